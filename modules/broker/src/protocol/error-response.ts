/**
 * An error answer to a request whose version the broker does not serve but whose schema it knows
 * (e.g. Produce v0–2, or a version newer than the handler's maximum): built from the request and
 * the response schema of that very version, so the client can parse it.
 *
 * Kafka itself closes the connection on any version it does not enable (SocketServer refuses the
 * header before parsing), except ApiVersions, answered at v0 with UNSUPPORTED_VERSION. Every
 * version Kafka's schema knows is enabled there, so a client only meets that path with a version
 * no schema describes; here some known versions are not served, and a parseable
 * UNSUPPORTED_VERSION is more useful to the client than a connection reset.
 *
 * The answer mirrors the request: a top-level `errorCode` when the response has one, otherwise
 * the request's topic/partition (or group) lists are copied into the response's with every
 * `errorCode` set. Returns null when no error code could be placed (the caller closes instead).
 */
import type { FieldSpec, MessageSchema } from './schema-types.js';

type Obj = Record<string, unknown>;

/** Request field names that carry the same value as a response field of another name. */
const SAME_VALUE: Record<string, readonly string[]> = {
  partitionIndex: ['partitionIndex', 'partition', 'index'],
  index: ['index', 'partitionIndex', 'partition'],
};

export function errorResponseFor(
  request: MessageSchema,
  response: MessageSchema,
  version: number,
  body: object,
  errorCode: number,
): object | null {
  const placed = { n: 0 };
  const out = mirror(request.fields, body as Obj, response.fields, version, errorCode, placed);
  return placed.n > 0 ? out : null;
}

function present(f: FieldSpec, version: number): boolean {
  return version >= f.v[0] && version <= f.v[1];
}

function mirror(
  reqFields: readonly FieldSpec[],
  req: Obj,
  resFields: readonly FieldSpec[],
  version: number,
  errorCode: number,
  placed: { n: number },
): Obj {
  const out: Obj = {};
  const reqLists = reqFields.filter((f) => f.t === '[]struct' && present(f, version));
  const resLists = resFields.filter((f) => f.t === '[]struct' && present(f, version));
  for (const f of resFields) {
    if (!present(f, version)) continue;
    if (f.n === 'errorCode' && f.t === 'int16') {
      out[f.n] = errorCode;
      placed.n++;
    } else if (f.t === '[]struct') {
      // the list of the same name, else the one at the same position (topicData → responses)
      const from = reqLists.find((r) => r.n === f.n) ?? reqLists[resLists.indexOf(f)];
      const items = from ? (req[from.n] as Obj[] | null | undefined) : undefined;
      out[f.n] = (items ?? []).map((item) =>
        mirror(from!.f ?? [], item, f.f ?? [], version, errorCode, placed),
      );
    } else if (f.t !== 'struct' && !f.t.startsWith('[]')) {
      for (const name of SAME_VALUE[f.n] ?? [f.n]) {
        const r = reqFields.find((x) => x.n === name && x.t === f.t && present(x, version));
        if (r && req[r.n] !== undefined) {
          out[f.n] = req[r.n];
          break;
        }
      }
    }
  }
  return out;
}
