import type { HttpExchange } from './http-exchange.js';
import { JSON_TYPE } from './media-types.js';
import type { RestError } from './rest-errors.js';

export function sendJson(
  exchange: HttpExchange,
  status: number,
  body: unknown,
  contentType = JSON_TYPE,
): void {
  const text = JSON.stringify(body);
  exchange.response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  exchange.response.end(text);
}

export function sendError(exchange: HttpExchange, error: RestError, contentType = JSON_TYPE): void {
  sendJson(exchange, error.status, error.body(), contentType);
}
