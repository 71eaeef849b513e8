import { type HttpExchange, responseGone } from './http-exchange.js';
import { JSON_TYPE, KSQL_V1_JSON, negotiate } from './media-types.js';
import { parseJsonObject, readBody, stringField } from './request-body.js';
import type { RestContext } from './rest-context.js';
import { restErrorOf } from './rest-errors.js';
import { rowColumnsJson } from './row-json.js';
import { statementRequestOf } from './statement-request.js';
import { streamPrint } from './print-endpoint.js';
import { streamPush } from './query-stream-endpoint.js';

/**
 * POST /query (ksqlDB's original streaming endpoint, HTTP/1.1 chunked): body `{"ksql", …}`; the
 * answer is one JSON array streamed element by element: `{"header":{"queryId","schema"}}`, then
 * `{"row":{"columns":[…]}}` per row, and `{"finalMessage":"Limit Reached"}` when a push query
 * reached its LIMIT (`"Query Completed"` when a pull query on a stream read to its end).
 * Elements are separated by `,\n`, so the whole answer parses as JSON.
 */
export async function handleQuery(ctx: RestContext, exchange: HttpExchange): Promise<void> {
  const contentType = negotiate(exchange.headers.accept, [KSQL_V1_JSON, JSON_TYPE]);
  const body = parseJsonObject(await readBody(exchange, ctx.maxRequestBytes));
  const sql = stringField(body, 'ksql');
  const handle = await ctx.service.query(sql, statementRequestOf(body));
  if (handle.kind === 'print') return streamPrint(ctx, exchange, handle, contentType);
  const res = exchange.response;
  res.writeHead(200, { 'content-type': contentType });
  // ksqlDB prints a pull result's schema as a LogicalSchema (key columns marked KEY); a push
  // result's as its plain column list.
  const schema = handle.columns
    .map((c) => `\`${c.name}\` ${c.type}${handle.kind === 'pull' && c.key ? ' KEY' : ''}`)
    .join(', ');
  res.write(`[${JSON.stringify({ header: { queryId: handle.queryId, schema } })}`);
  const types = handle.columns.map((c) => c.type);
  const encode = (row: readonly unknown[]) => `,\n{"row":{"columns":${rowColumnsJson(row, types)}}}`;
  if (handle.kind === 'pull') {
    for (const row of handle.rows) res.write(encode(row));
    res.end(']\n');
    return;
  }
  const outcome = await streamPush(ctx, exchange, handle, encode, (err) => {
    const e = restErrorOf(err, ctx.log, 'push query');
    return `,\n${JSON.stringify({ errorMessage: e.body() })}`;
  });
  if (outcome === 'client-gone' || responseGone(res)) return;
  if (outcome === 'limit') {
    // Rows that ended by themselves: at LIMIT, or a stream pull query at its end offsets.
    const finalMessage = handle.ended?.() === 'end-offsets' ? 'Query Completed' : 'Limit Reached';
    res.write(`,\n${JSON.stringify({ finalMessage })}`);
  }
  res.end(']\n');
}
