import type { HttpExchange } from './http-exchange.js';
import { type KsqlEntity, entityOf } from './ksql-entities.js';
import { JSON_TYPE, KSQL_V1_JSON, negotiate } from './media-types.js';
import { parseJsonObject, readBody, stringField } from './request-body.js';
import { sendJson } from './responses.js';
import type { RestContext } from './rest-context.js';
import { statementRequestOf } from './statement-request.js';

/**
 * POST /ksql: runs the statements of `ksql` and answers one entity per statement (ksqlDB's
 * KsqlEntityList). Errors (thrown to the router) become ksqlDB's error bodies: a failing
 * statement 40001, a SELECT 40002, a ServiceError its own code.
 */
export async function handleKsql(ctx: RestContext, exchange: HttpExchange): Promise<void> {
  const contentType = negotiate(exchange.headers.accept, [KSQL_V1_JSON, JSON_TYPE]);
  const body = parseJsonObject(await readBody(exchange, ctx.maxRequestBytes));
  const sql = stringField(body, 'ksql');
  const executed = await ctx.service.execute(sql, statementRequestOf(body));
  const entities: KsqlEntity[] = [];
  for (const e of executed) {
    const entity = entityOf(e);
    if (entity) entities.push(entity);
  }
  sendJson(exchange, 200, entities, contentType);
}
