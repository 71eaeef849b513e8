import { type JsonValue, parseJson } from '@meterstream/ksql';

/** An HTTP answer of /ksql or /query: the status and the body parsed with exact numbers. */
export interface RestAnswer {
  readonly status: number;
  readonly body: JsonValue;
}

export class RestCallError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RestCallError';
  }
}

/**
 * POSTs a statement request as ksqlDB's Java client (KsqlRestClient) does: `ksql` plus the
 * session's `streamsProperties`, ksqlDB's media type. /query answers are read to their end: a
 * pull query or a push query with LIMIT ends; `timeoutMs` bounds any other.
 */
export async function postStatements(
  baseUrl: string,
  path: '/ksql' | '/query',
  ksql: string,
  properties: Readonly<Record<string, unknown>>,
  timeoutMs: number,
  onFirstChunk?: () => Promise<void>,
): Promise<RestAnswer> {
  let res: Response;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksql.v1+json', accept: 'application/vnd.ksql.v1+json' },
      body: JSON.stringify({ ksql, streamsProperties: properties }),
      signal,
    });
  } catch (err) {
    throw new RestCallError(`POST ${path} failed: ${(err as Error).message}`, { cause: err });
  }
  let text = '';
  try {
    const reader = res.body?.getReader();
    const decoder = new TextDecoder();
    let first = true;
    for (;;) {
      if (!reader) break;
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (first && onFirstChunk) {
        first = false;
        await onFirstChunk();
      }
    }
    text += decoder.decode();
  } catch (err) {
    throw new RestCallError(
      `POST ${path}: reading the answer failed after ${text.length} characters (${(err as Error).message}): ${text.slice(0, 300)}`,
      { cause: err },
    );
  }
  try {
    return { status: res.status, body: parseJson(text) };
  } catch (err) {
    throw new RestCallError(`POST ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`, {
      cause: err,
    });
  }
}
