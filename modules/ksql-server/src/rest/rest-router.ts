import http2 from 'node:http2';
import {
  handleCloseQuery,
  handleClusterStatus,
  handleHealthcheck,
  handleInfo,
  handleStatus,
} from './admin-endpoints.js';
import { handleHeartbeat, handleLag, handleTerminate } from './cluster-endpoints.js';
import { type HttpExchange, rawResponse, responseGone } from './http-exchange.js';
import { handleInsertsStream } from './inserts-stream-endpoint.js';
import { handleKsql } from './ksql-endpoint.js';
import { handleQuery } from './query-endpoint.js';
import { handleQueryStream } from './query-stream-endpoint.js';
import { sendError } from './responses.js';
import type { RestContext } from './rest-context.js';
import { ErrorCode, RestError, restErrorOf } from './rest-errors.js';

type Handler = (ctx: RestContext, exchange: HttpExchange) => void | Promise<void>;

/** ksqlDB's REST endpoints by path, then method. */
const ROUTES: Readonly<Record<string, Readonly<Record<string, Handler>>>> = {
  '/ksql': { POST: handleKsql },
  '/query': { POST: handleQuery },
  '/query-stream': { POST: handleQueryStream },
  '/inserts-stream': { POST: handleInsertsStream },
  '/close-query': { POST: handleCloseQuery },
  '/info': { GET: handleInfo },
  '/healthcheck': { GET: handleHealthcheck },
  '/clusterStatus': { GET: handleClusterStatus },
  '/ksql/terminate': { POST: handleTerminate },
  '/heartbeat': { POST: handleHeartbeat },
  '/lag': { POST: handleLag },
  '/': { GET: redirectToInfo },
};

/**
 * Serves one request. Every failure ends as ksqlDB's JSON error body (or, once a streamed answer
 * has started, ends that answer): one client's bad request never reaches the server's loop.
 */
export async function routeRequest(ctx: RestContext, exchange: HttpExchange): Promise<void> {
  try {
    const handler = handlerOf(exchange);
    await handler(ctx, exchange);
  } catch (err) {
    const error = restErrorOf(err, ctx.log, `${exchange.method} ${exchange.path}`);
    const res = exchange.response;
    if (responseGone(res)) return;
    if (!res.headersSent) {
      // The rest of an oversized body is not worth receiving.
      if (error.status === 413) closeAfterResponse(exchange);
      sendError(exchange, error);
    } else if (!res.writableEnded) res.end();
  }
}

function handlerOf(exchange: HttpExchange): Handler {
  const { path, method } = exchange;
  if (path.startsWith('/status/')) {
    if (method !== 'GET') throw methodNotAllowed(method, path);
    const commandId = decodeURIComponent(path.slice('/status/'.length));
    return (ctx, ex) => handleStatus(ctx, ex, commandId);
  }
  const byMethod = ROUTES[path];
  if (!byMethod) throw new RestError(404, ErrorCode.NOT_FOUND, `Resource not found: ${path}`);
  const handler = byMethod[method];
  if (!handler) throw methodNotAllowed(method, path);
  return handler;
}

function methodNotAllowed(method: string, path: string): RestError {
  return new RestError(405, 40500, `Method ${method} not allowed on ${path}`);
}

function redirectToInfo(_ctx: RestContext, exchange: HttpExchange): void {
  exchange.response.writeHead(307, { location: '/info' });
  exchange.response.end();
}

/**
 * After answering early (413), stops the client's upload: HTTP/1.1 closes the connection once the
 * answer is out (`connection: close`); HTTP/2 resets just this stream once the answer is sent.
 * With CANCEL rather than RFC 9113's NO_ERROR: Node's HTTP/2 client keeps a stream whose upload
 * is stuck open after a NO_ERROR reset (its session then never closes), and takes CANCEL.
 */
function closeAfterResponse(exchange: HttpExchange): void {
  const raw = rawResponse(exchange.response);
  if (exchange.httpVersion === '2') {
    // The stream's own 'finish': the compatibility response emits 'finish' only once the stream closed.
    const stream = raw?.stream;
    stream?.once('finish', () => stream.close(http2.constants.NGHTTP2_CANCEL));
  } else
    (raw as { setHeader?: (name: string, value: string) => void } | undefined)?.setHeader?.(
      'connection',
      'close',
    );
}
