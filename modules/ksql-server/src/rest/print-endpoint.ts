import type { QueryHandle } from '../service/ksql-service.js';
import { type HttpExchange, responseGone } from './http-exchange.js';
import type { RestContext } from './rest-context.js';
import { pumpRows } from './row-pump.js';

/**
 * PRINT on POST /query: ksqlDB's TopicStreamWriter answer — plain text lines (format lines, then
 * one per record) streamed with backpressure, until LIMIT or the client goes away (which stops
 * the PRINT's consumer).
 */
export async function streamPrint(
  ctx: RestContext,
  exchange: HttpExchange,
  handle: Extract<QueryHandle, { kind: 'print' }>,
  contentType: string,
): Promise<void> {
  const res = exchange.response;
  res.writeHead(200, { 'content-type': contentType });
  const close = () => {
    handle
      .close()
      .catch((err: unknown) => ctx.log.warn({ err, queryId: handle.queryId }, 'closing a PRINT failed'));
  };
  try {
    const outcome = await pumpRows(res, asRows(handle.lines), (row) => `${String(row[0])}\n`, close);
    if (outcome === 'ended' && !responseGone(res)) res.end();
  } finally {
    await handle.close();
  }
}

async function* asRows(lines: AsyncIterable<string>): AsyncGenerator<readonly unknown[]> {
  for await (const line of lines) yield [line];
}
