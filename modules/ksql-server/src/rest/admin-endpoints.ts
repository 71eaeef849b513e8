import type { HttpExchange } from './http-exchange.js';
import { commandStatusJson } from './ksql-entities.js';
import { JSON_TYPE, KSQL_V1_JSON, negotiate } from './media-types.js';
import { parseJsonObject, readBody, stringField } from './request-body.js';
import { sendJson } from './responses.js';
import type { RestContext } from './rest-context.js';
import { ErrorCode, RestError } from './rest-errors.js';

const PRODUCES = [KSQL_V1_JSON, JSON_TYPE];

/** GET /info: `{"KsqlServerInfo":{version, kafkaClusterId, ksqlServiceId, serverStatus}}`. */
export function handleInfo(ctx: RestContext, exchange: HttpExchange): void {
  const type = negotiate(exchange.headers.accept, PRODUCES);
  sendJson(exchange, 200, { KsqlServerInfo: ctx.service.info() }, type);
}

/** GET /healthcheck: 200 when healthy, 503 otherwise (as ksqlDB's HealthCheckResource). */
export async function handleHealthcheck(ctx: RestContext, exchange: HttpExchange): Promise<void> {
  const type = negotiate(exchange.headers.accept, PRODUCES);
  const health = await ctx.service.healthcheck();
  sendJson(exchange, health.isHealthy ? 200 : 503, health, type);
}

/** GET /status/{type}/{entity}/{action}: one command's CommandStatus; unknown → 404 "Command not found". */
export function handleStatus(ctx: RestContext, exchange: HttpExchange, commandId: string): void {
  const type = negotiate(exchange.headers.accept, PRODUCES);
  const status = ctx.service.commandStatus(commandId);
  if (!status) throw new RestError(404, ErrorCode.NOT_FOUND, 'Command not found');
  sendJson(exchange, 200, commandStatusJson(status), type);
}

/** GET /clusterStatus: a single node, alive, with no lag information (no standbys). */
export function handleClusterStatus(ctx: RestContext, exchange: HttpExchange): void {
  const type = negotiate(exchange.headers.accept, PRODUCES);
  const now = Date.now();
  sendJson(
    exchange,
    200,
    {
      clusterStatus: {
        [ctx.hostId()]: {
          hostAlive: true,
          lastStatusUpdateMs: now,
          activeStandbyPerQuery: {},
          hostStoreLags: { stateStoreLags: {}, updateTimeMs: now },
        },
      },
    },
    type,
  );
}

/** POST /close-query `{"queryId"}`: stops a push query; unknown id → 400 "No query with id …". */
export async function handleCloseQuery(ctx: RestContext, exchange: HttpExchange): Promise<void> {
  const body = parseJsonObject(await readBody(exchange, ctx.maxRequestBytes));
  const queryId = stringField(body, 'queryId');
  const local = ctx.active.markStopped(queryId);
  let closed = await ctx.service.closeQuery(queryId);
  if (!closed && local) {
    // Streamed here but unknown to the service (e.g. already finishing): stop it ourselves.
    await local.close();
    closed = true;
  }
  if (!closed) throw new RestError(400, ErrorCode.BAD_REQUEST, `No query with id ${queryId}`);
  exchange.response.writeHead(200, {});
  exchange.response.end();
}
