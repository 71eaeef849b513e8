import type { HttpExchange } from './http-exchange.js';
import { ErrorCode, RestError } from './rest-errors.js';

/** Reads a whole request body, refusing more than `maxBytes` (413) before buffering it. */
export async function readBody(exchange: HttpExchange, maxBytes: number): Promise<Buffer> {
  const declared = Number(exchange.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of exchange.body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function tooLarge(maxBytes: number): RestError {
  return new RestError(
    413,
    ErrorCode.PAYLOAD_TOO_LARGE,
    `Request body too large: the limit is ${maxBytes} bytes`,
  );
}

/** Parses a JSON object body; anything else is ksqlDB's 400 / 40000 "Invalid JSON in request". */
export function parseJsonObject(body: Buffer | string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString());
  } catch (err) {
    throw new RestError(
      400,
      ErrorCode.BAD_REQUEST,
      `Invalid JSON in request: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new RestError(400, ErrorCode.BAD_REQUEST, 'Invalid JSON in request: expected a JSON object');
  return value as Record<string, unknown>;
}

/** A required string field of a request object. */
export function stringField(obj: Record<string, unknown>, name: string): string {
  const v = obj[name];
  if (typeof v !== 'string')
    throw new RestError(
      400,
      ErrorCode.BAD_REQUEST,
      `Invalid JSON in request: missing string field "${name}"`,
    );
  return v;
}

/** An optional map field whose values are given to the service as strings (properties, variables). */
export function stringMapField(
  obj: Record<string, unknown>,
  name: string,
): Readonly<Record<string, string>> | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new RestError(400, ErrorCode.BAD_REQUEST, `Invalid JSON in request: "${name}" must be an object`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>))
    out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}
