import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * The part of a request/response pair the endpoints use, the same for HTTP/1.1
 * (http.IncomingMessage/ServerResponse) and HTTP/2 (the http2 compatibility API's
 * Http2ServerRequest/Response): one set of handlers serves both protocols, as ksqlDB's Vert.x
 * router does.
 */
export interface HttpExchange {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersion: '1.1' | '2';
  /** The request body. */
  readonly body: Readable;
  readonly response: HttpResponseLike;
}

/** What both response classes offer (structurally). */
export interface HttpResponseLike {
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  /** false: the connection's buffer is full; wait for 'drain' before writing more. */
  write(chunk: string): boolean;
  end(chunk: string): unknown;
  end(): unknown;
  on(event: 'drain' | 'close' | 'finish', listener: () => void): unknown;
  once(event: 'drain' | 'close' | 'finish', listener: () => void): unknown;
  off(event: 'drain' | 'close' | 'finish', listener: () => void): unknown;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
}

interface RequestLike extends Readable {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersionMajor: number;
}

export function exchangeOf(request: RequestLike, response: HttpResponseLike): HttpExchange {
  const url = request.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: request.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    headers: request.headers,
    httpVersion: request.httpVersionMajor === 2 ? '2' : '1.1',
    body: request,
    response,
  };
}

/**
 * Resolves when the response can take more data ('drain') or is gone ('close'): a writer that
 * awaits this after `write()` returned false never buffers more than the socket's high-water mark.
 */
export function writable(response: HttpResponseLike): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** A response whose connection is gone (HTTP/1.1 `destroyed`, HTTP/2 its stream's): writing is pointless. */
export function responseGone(response: HttpResponseLike): boolean {
  const r = response as { destroyed?: boolean; stream?: { destroyed?: boolean } };
  return r.destroyed === true || r.stream?.destroyed === true;
}
