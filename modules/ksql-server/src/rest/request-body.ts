import type { HttpExchange } from './http-exchange.js';
import { ErrorCode, RestError } from './rest-errors.js';

/**
 * Reads a whole request body, refusing more than `maxBytes` (413) before buffering it. Reads with
 * listeners rather than `for await`: leaving that loop early destroys the request, and with it an
 * HTTP/1.1 connection before the 413 answer is written.
 */
export function readBody(exchange: HttpExchange, maxBytes: number): Promise<Buffer> {
  const declared = Number(exchange.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  const body = exchange.body;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        body.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
  });
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
