import type { HttpExchange } from './http-exchange.js';
import { commandStatusJson } from './ksql-entities.js';
import { JSON_TYPE, KSQL_V1_JSON, negotiate } from './media-types.js';
import { parseJsonObject, readBody } from './request-body.js';
import { sendJson } from './responses.js';
import type { RestContext } from './rest-context.js';
import { ErrorCode, RestError } from './rest-errors.js';

const PRODUCES = [KSQL_V1_JSON, JSON_TYPE];

/** ksqlDB's CommandId of a cluster termination (type/entity/action, as /status names it). */
const TERMINATE_COMMAND_ID = 'cluster/TerminateCluster/terminate';

/**
 * POST /ksql/terminate `{"deleteTopicList"?: [regex…]}`: terminates the cluster (see
 * KsqlService.terminateCluster) and answers ksqlDB's KsqlEntityList of one `currentStatus` for
 * `TERMINATE CLUSTER;`. An invalid pattern is refused with 400 before anything is done.
 */
export async function handleTerminate(ctx: RestContext, exchange: HttpExchange): Promise<void> {
  const type = negotiate(exchange.headers.accept, PRODUCES);
  const body = parseJsonObject(await readBody(exchange, ctx.maxRequestBytes));
  const list = body.deleteTopicList ?? [];
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string'))
    throw new RestError(
      400,
      ErrorCode.BAD_REQUEST,
      'Invalid JSON in request: "deleteTopicList" must be a list of strings',
    );
  const status = await ctx.service.terminateCluster(list as string[]);
  sendJson(
    exchange,
    200,
    [
      {
        '@type': 'currentStatus',
        statementText: 'TERMINATE CLUSTER;',
        commandId: TERMINATE_COMMAND_ID,
        commandStatus: commandStatusJson(status),
        commandSequenceNumber: -1,
        warnings: [],
      },
    ],
    type,
  );
}

/**
 * POST /heartbeat `{"hostInfo":{"host","port"},"timestamp"}`: another node's heartbeat (ksqlDB's
 * HeartbeatMessage). This server runs alone, so it only checks the message and answers
 * HeartbeatResponse `{"isOk":true}`.
 */
export async function handleHeartbeat(ctx: RestContext, exchange: HttpExchange): Promise<void> {
  const type = negotiate(exchange.headers.accept, PRODUCES);
  const body = parseJsonObject(await readBody(exchange, ctx.maxRequestBytes));
  requireObject(body, 'hostInfo');
  if (typeof body.timestamp !== 'number')
    throw new RestError(400, ErrorCode.BAD_REQUEST, 'Invalid JSON in request: "timestamp" must be a number');
  sendJson(exchange, 200, { isOk: true }, type);
}

/**
 * POST /lag `{"ksqlHost":{"host","port"},"hostStoreLags":{…}}`: another node's state-store lags
 * (ksqlDB's LagReportingMessage). Alone, this server has no standby to route to by lag: it checks
 * the message and answers LagReportingResponse `{"isOk":true}`.
 */
export async function handleLag(ctx: RestContext, exchange: HttpExchange): Promise<void> {
  const type = negotiate(exchange.headers.accept, PRODUCES);
  const body = parseJsonObject(await readBody(exchange, ctx.maxRequestBytes));
  requireObject(body, 'ksqlHost');
  requireObject(body, 'hostStoreLags');
  sendJson(exchange, 200, { isOk: true }, type);
}

function requireObject(body: Record<string, unknown>, name: string): void {
  const v = body[name];
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new RestError(400, ErrorCode.BAD_REQUEST, `Invalid JSON in request: "${name}" must be an object`);
}
