import type { QueryHandle } from '../service/ksql-service.js';
import { type HttpExchange, responseGone } from './http-exchange.js';
import { DELIMITED, JSON_TYPE, negotiate } from './media-types.js';
import { parseJsonObject, readBody, stringField } from './request-body.js';
import type { RestContext } from './rest-context.js';
import { ErrorCode, RestError, restErrorOf } from './rest-errors.js';
import { pumpRows } from './row-pump.js';
import { rowJson } from './row-json.js';
import { statementRequestOf } from './statement-request.js';

/**
 * POST /query-stream (ksqlDB's HTTP/2 streaming API, also served over HTTP/1.1 chunked): body
 * `{"sql", "properties"?, "sessionVariables"?}`; the answer is the header (queryId for push
 * queries, columnNames, columnTypes) then one JSON array per row — newline-delimited
 * (`application/vnd.ksqlapi.delimited.v1`, the default) or as one JSON array (`application/json`).
 */
export async function handleQueryStream(ctx: RestContext, exchange: HttpExchange): Promise<void> {
  const contentType = negotiate(exchange.headers.accept, [DELIMITED, JSON_TYPE]);
  const body = parseJsonObject(await readBody(exchange, ctx.maxRequestBytes));
  const sql = stringField(body, 'sql');
  const handle = await ctx.service.query(sql, statementRequestOf(body));
  if (handle.kind === 'print') {
    // ksqlDB answers PRINT on /query; its text lines have no place in this endpoint's rows.
    await handle.close();
    throw new RestError(400, ErrorCode.BAD_REQUEST, 'PRINT is served on the /query endpoint');
  }
  const delimited = contentType === DELIMITED;
  const res = exchange.response;
  res.writeHead(200, { 'content-type': contentType });
  const header = JSON.stringify({
    ...(handle.kind === 'push' ? { queryId: handle.queryId } : {}),
    columnNames: handle.columns.map((c) => c.name),
    columnTypes: handle.columns.map((c) => c.type),
  });
  // Delimited: each message its own line (and write); JSON: `[header,row,row]`.
  const encode = delimited
    ? (row: readonly unknown[]) => `${rowJson(row)}\n`
    : (row: readonly unknown[]) => `,${rowJson(row)}`;
  res.write(delimited ? `${header}\n` : `[${header}`);
  const close = delimited ? '' : ']';
  if (handle.kind === 'pull') {
    for (const row of handle.rows) res.write(encode(row));
    res.end(close);
    return;
  }
  const outcome = await streamPush(ctx, exchange, handle, encode, (err) => {
    const e = restErrorOf(err, ctx.log, 'push query');
    return delimited ? `${JSON.stringify(e.body())}\n` : `,${JSON.stringify(e.body())}`;
  });
  if (outcome !== 'client-gone' && !responseGone(res)) res.end(close);
}

/**
 * Streams a push query's rows, registered in ctx.active while it runs; closes the query when the
 * client goes away or the rows fail. An error while streaming is written as ksqlDB's error
 * message (`errorText`), since the 200 status is already sent.
 */
export async function streamPush(
  ctx: RestContext,
  exchange: HttpExchange,
  handle: Extract<QueryHandle, { kind: 'push' }>,
  encode: (row: readonly unknown[]) => string,
  errorText: (err: unknown) => string,
): Promise<'limit' | 'stopped' | 'client-gone' | 'failed'> {
  ctx.active.add(handle);
  const closeQuery = () => {
    handle
      .close()
      .catch((err: unknown) => ctx.log.warn({ err, queryId: handle.queryId }, 'closing a push query failed'));
  };
  try {
    const outcome = await pumpRows(exchange.response, handle.rows, encode, closeQuery);
    if (outcome === 'client-gone') return 'client-gone';
    return ctx.active.wasStopped(handle.queryId) ? 'stopped' : 'limit';
  } catch (err) {
    // The client may have left while the query failed: then there is no one to tell.
    if (!responseGone(exchange.response)) exchange.response.write(errorText(err));
    return 'failed';
  } finally {
    ctx.active.remove(handle.queryId);
    // Idempotent: a query that ended at LIMIT or failed frees its resources here too.
    await handle
      .close()
      .catch((err: unknown) => ctx.log.warn({ err, queryId: handle.queryId }, 'closing a push query failed'));
  }
}
