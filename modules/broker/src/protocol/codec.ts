/**
 * Schema-driven codec: interprets the generated schema table (messages.generated.ts) for one
 * message version. A per-version "plan" (fields present in that version, nullable or tagged,
 * compact or not) is computed once and cached, so decoding does no version arithmetic per field.
 *
 * Value mapping: int8/16/32, uint16/32, float64 → number; int64 → bigint; string → string;
 * bytes, uuid, records → Buffer (records in responses may also be Buffer[]); arrays → JS arrays;
 * structs → plain objects keyed by the JSON field name with a lower-case first letter.
 */
import type { FieldSpec, MessageSchema } from './schema-types.js';
import { ProtocolError, Reader, Writer } from './primitives.js';

const ZERO_UUID = Buffer.alloc(16);

type Kind =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid'
  | 'struct';

interface Op {
  name: string;
  kind: Kind;
  array: boolean;
  nullable: boolean;
  compact: boolean;
  def: unknown;
  sub: Plan | null;
  tag: number;
}

interface Plan {
  flexible: boolean;
  ops: Op[];
  tagged: Map<number, Op>;
  taggedSorted: Op[];
  /** Fields not present in this version, set to their default on decode. */
  absent: Op[];
}

type Obj = Record<string, unknown>;

const inRange = (r: readonly [number, number] | undefined, v: number) =>
  r !== undefined && v >= r[0] && v <= r[1];

function defaultOf(op: Op): unknown {
  if (op.array) return op.nullable ? null : [];
  switch (op.kind) {
    case 'struct':
      return null;
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return op.nullable ? null : Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return op.def;
  }
}

function buildPlan(fields: readonly FieldSpec[], version: number, flexible: boolean): Plan {
  const plan: Plan = { flexible, ops: [], tagged: new Map(), taggedSorted: [], absent: [] };
  for (const f of fields) {
    const array = f.t.startsWith('[]');
    const base = array ? f.t.slice(2) : f.t;
    const op: Op = {
      name: f.n,
      kind: base as Kind,
      array,
      nullable: inRange(f.nv, version),
      compact: flexible && !f.noFlex,
      def: f.d,
      sub: f.f ? buildPlan(f.f, version, flexible) : null,
      tag: f.tag ?? -1,
    };
    if (!inRange(f.v, version)) {
      plan.absent.push(op);
    } else if (flexible && f.tag !== undefined && inRange(f.tv, version)) {
      plan.tagged.set(f.tag, op);
      plan.taggedSorted.push(op);
      plan.absent.push(op);
    } else {
      plan.ops.push(op);
    }
  }
  plan.taggedSorted.sort((a, b) => a.tag - b.tag);
  return plan;
}

const planCache = new WeakMap<MessageSchema, Plan[]>();

function planFor(schema: MessageSchema, version: number): Plan {
  if (version < schema.valid[0] || version > schema.valid[1]) {
    throw new ProtocolError(
      `${schema.name} version ${version} outside ${schema.valid[0]}-${schema.valid[1]}`,
    );
  }
  let plans = planCache.get(schema);
  if (!plans) {
    plans = [];
    planCache.set(schema, plans);
  }
  let plan = plans[version];
  if (!plan) {
    plan = buildPlan(schema.fields, version, version >= schema.flex);
    plans[version] = plan;
  }
  return plan;
}

export function isFlexible(schema: MessageSchema, version: number): boolean {
  return version >= schema.flex;
}

// ---------------------------------------------------------------- decoding

function readLength(r: Reader, compact: boolean): number {
  return compact ? r.uvarint() - 1 : r.int32();
}

function readOne(r: Reader, op: Op): unknown {
  switch (op.kind) {
    case 'bool':
      return r.bool();
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'uint32':
      return r.uint32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'uuid':
      return r.uuid();
    case 'string': {
      const n = op.compact ? r.uvarint() - 1 : r.int16();
      if (n < 0) {
        if (!op.nullable) throw new ProtocolError(`null for non-nullable string ${op.name}`, r.pos);
        return null;
      }
      return r.string(n);
    }
    case 'bytes':
    case 'records': {
      const n = readLength(r, op.compact);
      if (n < 0) {
        if (!op.nullable) throw new ProtocolError(`null for non-nullable bytes ${op.name}`, r.pos);
        return null;
      }
      return r.bytes(n);
    }
    case 'struct':
      return readStruct(r, op.sub!);
  }
}

function readField(r: Reader, op: Op): unknown {
  if (!op.array) return readOne(r, op);
  const n = readLength(r, op.compact);
  if (n < 0) {
    if (!op.nullable) throw new ProtocolError(`null for non-nullable array ${op.name}`, r.pos);
    return null;
  }
  // Every element takes at least one byte: refuse absurd counts before allocating.
  if (n > r.remaining) throw new ProtocolError(`array ${op.name} claims ${n} elements`, r.pos);
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = readOne(r, op);
  return out;
}

function readStruct(r: Reader, plan: Plan): Obj {
  const o: Obj = {};
  for (const op of plan.absent) o[op.name] = defaultOf(op);
  for (const op of plan.ops) o[op.name] = readField(r, op);
  if (plan.flexible) readTagged(r, plan, o);
  return o;
}

function readTagged(r: Reader, plan: Plan, o: Obj): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const op = plan.tagged.get(tag);
    if (!op) {
      r.bytes(size); // unknown tagged fields are skipped, as the protocol requires
      continue;
    }
    const start = r.pos;
    const sub = new Reader(r.buf, start, start + size);
    r.bytes(size);
    o[op.name] = readField(sub, op);
  }
}

/** Skips a tagged-field section (used for request header v2). */
export function skipTaggedFields(r: Reader): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    r.uvarint();
    r.bytes(r.uvarint());
  }
}

/** Decodes one message body of the given version from r (to its end). */
export function decodeMessage<T = Obj>(schema: MessageSchema, version: number, r: Reader): T {
  return readStruct(r, planFor(schema, version)) as T;
}

// ---------------------------------------------------------------- encoding

function writeLength(w: Writer, n: number, compact: boolean): void {
  if (compact) w.uvarint(n + 1);
  else w.int32(n);
}

function writeOne(w: Writer, op: Op, v: unknown): void {
  switch (op.kind) {
    case 'bool':
      w.bool(Boolean(v));
      return;
    case 'int8':
      w.int8((v as number) ?? 0);
      return;
    case 'int16':
      w.int16((v as number) ?? 0);
      return;
    case 'uint16':
      w.uint16((v as number) ?? 0);
      return;
    case 'int32':
      w.int32((v as number) ?? 0);
      return;
    case 'uint32':
      w.uint32((v as number) ?? 0);
      return;
    case 'int64':
      w.int64((v as bigint | number) ?? 0n);
      return;
    case 'float64':
      w.float64((v as number) ?? 0);
      return;
    case 'uuid': {
      const b = (v as Buffer | null | undefined) ?? ZERO_UUID;
      if (b.length !== 16) throw new ProtocolError(`uuid ${op.name} must be 16 bytes`);
      w.raw(b);
      return;
    }
    case 'string': {
      if (v === null || v === undefined) {
        if (!op.nullable && v === null) throw new ProtocolError(`null for non-nullable string ${op.name}`);
        if (op.nullable) {
          if (op.compact) w.uvarint(0);
          else w.int16(-1);
          return;
        }
        v = '';
      }
      const s = v as string;
      const len = Buffer.byteLength(s, 'utf8');
      if (op.compact) w.uvarint(len + 1);
      else w.int16(len);
      w.utf8(s, len);
      return;
    }
    case 'bytes':
    case 'records': {
      if (v === null || v === undefined) {
        if (op.nullable) writeLength(w, -1, op.compact);
        else writeLength(w, 0, op.compact);
        return;
      }
      if (Array.isArray(v)) {
        let len = 0;
        for (const b of v as Buffer[]) len += b.length;
        writeLength(w, len, op.compact);
        for (const b of v as Buffer[]) w.raw(b);
        return;
      }
      const b = v as Buffer;
      writeLength(w, b.length, op.compact);
      w.raw(b);
      return;
    }
    case 'struct':
      writeStruct(w, op.sub!, (v as Obj | null | undefined) ?? {});
      return;
  }
}

function writeField(w: Writer, op: Op, v: unknown): void {
  if (!op.array) {
    writeOne(w, op, v);
    return;
  }
  if (v === null || v === undefined) {
    writeLength(w, op.nullable && v === null ? -1 : 0, op.compact);
    return;
  }
  const arr = v as unknown[];
  writeLength(w, arr.length, op.compact);
  for (const e of arr) writeOne(w, op, e);
}

function isDefault(op: Op, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (op.array) return (v as unknown[]).length === 0;
  if (op.kind === 'struct' || op.kind === 'bytes' || op.kind === 'records' || op.kind === 'uuid')
    return false;
  return v === op.def;
}

function writeStruct(w: Writer, plan: Plan, o: Obj): void {
  for (const op of plan.ops) writeField(w, op, o[op.name]);
  if (!plan.flexible) return;
  const present = plan.taggedSorted.filter((op) => !isDefault(op, o[op.name]));
  w.uvarint(present.length);
  for (const op of present) {
    const sub = new Writer(64);
    writeField(sub, op, o[op.name]);
    const body = sub.toBuffer();
    w.uvarint(op.tag);
    w.uvarint(body.length);
    w.raw(body);
  }
}

/** Encodes a message body of the given version; omitted fields are written as their defaults. */
export function encodeMessage(schema: MessageSchema, version: number, value: object, w: Writer): void {
  writeStruct(w, planFor(schema, version), value as Obj);
}
