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

/** What the http and http2 response classes take (structurally); the adapter below narrows it. */
export interface RawResponse {
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  write(chunk: Buffer): boolean;
  end(chunk: Buffer): unknown;
  end(): unknown;
  on(event: string, listener: () => void): unknown;
  once(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  readonly destroyed?: boolean;
  readonly stream?: {
    readonly destroyed: boolean;
    close(code?: number): void;
    once(event: 'finish', listener: () => void): unknown;
  };
  readonly socket?: { end(): void } | null;
}

/**
 * The response seen by the endpoints. Text is written as UTF-8 Buffers: with Node 20's http2
 * compatibility API, string chunks queued together (header and first row of a stream) came out
 * corrupted on the wire; Buffers do not.
 */
class ResponseAdapter implements HttpResponseLike {
  constructor(readonly raw: RawResponse) {}
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown {
    return this.raw.writeHead(status, headers);
  }
  write(chunk: string): boolean {
    return this.raw.write(Buffer.from(chunk, 'utf8'));
  }
  end(chunk?: string): unknown {
    return chunk === undefined || chunk === '' ? this.raw.end() : this.raw.end(Buffer.from(chunk, 'utf8'));
  }
  on(event: 'drain' | 'close' | 'finish', listener: () => void): unknown {
    return this.raw.on(event, listener);
  }
  once(event: 'drain' | 'close' | 'finish', listener: () => void): unknown {
    return this.raw.once(event, listener);
  }
  off(event: 'drain' | 'close' | 'finish', listener: () => void): unknown {
    return this.raw.off(event, listener);
  }
  get headersSent(): boolean {
    return this.raw.headersSent;
  }
  get writableEnded(): boolean {
    return this.raw.writableEnded;
  }
  get writableFinished(): boolean {
    return this.raw.writableFinished;
  }
}

export function exchangeOf(request: RequestLike, response: RawResponse): HttpExchange {
  const url = request.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: request.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    headers: request.headers,
    httpVersion: request.httpVersionMajor === 2 ? '2' : '1.1',
    body: request,
    response: new ResponseAdapter(response),
  };
}

/** The underlying response (for what only one protocol has: the HTTP/2 stream, the socket). */
export function rawResponse(response: HttpResponseLike): RawResponse | undefined {
  return response instanceof ResponseAdapter ? response.raw : undefined;
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
  const r = rawResponse(response);
  return r?.destroyed === true || r?.stream?.destroyed === true;
}
