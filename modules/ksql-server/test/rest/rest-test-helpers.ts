import { testLogger, waitFor as waitForCondition } from '@meterstream/test-support';
import ksqldbClientModule from 'ksqldb-client';
import http from 'node:http';
import http2 from 'node:http2';
import { type KsqlRestServer, startKsqlRestServer } from '../../src/rest/rest-server.js';
import { EngineBackedTestService } from './engine-backed-test-service.js';

export interface Started {
  readonly service: EngineBackedTestService;
  readonly server: KsqlRestServer;
}

/** The REST server over an EngineBackedTestService, on a free 127.0.0.1 port, logging through testLogger. */
export async function startTestServer(options: { maxRequestBytes?: number } = {}): Promise<Started> {
  const service = new EngineBackedTestService();
  const server = await startKsqlRestServer(service, {
    port: 0,
    logger: testLogger(),
    ...options,
  });
  return { service, server };
}

export interface SimpleResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** One HTTP/1.1 request with node:http, answer read to its end. */
export function h1Request(
  server: KsqlRestServer,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path,
        headers: { 'content-type': 'application/json', ...headers },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One HTTP/2 (h2c, prior knowledge) request on `session`, answer read to its end. */
export function h2Request(
  session: http2.ClientHttp2Session,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': method,
      ':path': path,
      'content-type': 'application/json',
      ...headers,
    });
    let status = 0;
    let responseHeaders: Record<string, string | string[] | undefined> = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      status = Number(h[':status']);
      responseHeaders = h as Record<string, string | string[] | undefined>;
    });
    stream.on('data', (c: string) => {
      text += c;
    });
    stream.on('end', () => resolve({ status, headers: responseHeaders, text }));
    stream.on('error', reject);
    stream.end(body);
  });
}

export function h2Connect(server: KsqlRestServer): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(server.url);
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

export function h2Close(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => session.close(() => resolve()));
}

/** Polls `condition` (every 10 ms, up to 10 s); fails naming `what`: test-support's waitFor. */
export async function waitFor(condition: () => boolean, what: string): Promise<void> {
  await waitForCondition(what, condition, 10_000, 10);
}

/** Waits until `value()` stops changing (same over 5 polls 30 ms apart): a reader has stalled. */
export async function waitUntilSteady(value: () => number, what: string): Promise<number> {
  let last = value();
  let same = 0;
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 30));
    const now = value();
    same = now === last ? same + 1 : 0;
    last = now;
    if (same >= 5) return now;
  }
  throw new Error(`${what} never stopped changing`);
}

export const json = (v: unknown): string => JSON.stringify(v);

/**
 * The ksqldb-client npm package's client class. The package is CommonJS (`module.exports` is the
 * class) while its typings declare an ES default export, so the default import is the class at run
 * time but typed as the module: this says what it is.
 */
export const KsqldbClient = ksqldbClientModule as unknown as typeof ksqldbClientModule.default;
export type KsqldbClient = InstanceType<typeof KsqldbClient>;

/** A streamed answer being read: `text` grows as data arrives. */
export interface OpenStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Resolves when the answer ended (or the stream closed). */
  readonly ended: Promise<void>;
  /** Complete newline-terminated lines received so far. */
  lines(): string[];
  /** Goes away as a client does: resets the HTTP/2 stream / destroys the HTTP/1.1 connection. */
  abort(): void;
  pause(): void;
}

function linesOf(text: string): string[] {
  const parts = text.split('\n');
  parts.pop();
  return parts.filter((l) => l !== '');
}

/** Starts a request on an HTTP/2 session and reads its answer as it arrives. */
export function h2Open(
  session: http2.ClientHttp2Session,
  path: string,
  body: string,
  headers: Record<string, string> = {},
  options: { pauseOnFirstData?: boolean } = {},
): OpenStream {
  const stream = session.request({
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/json',
    ...headers,
  });
  const open: OpenStream = {
    status: 0,
    headers: {},
    text: '',
    ended: new Promise((resolve) => {
      stream.on('close', () => resolve());
    }),
    lines: () => linesOf(open.text),
    abort: () => stream.close(http2.constants.NGHTTP2_CANCEL),
    pause: () => stream.pause(),
  };
  stream.setEncoding('utf8');
  stream.on('response', (h) => {
    open.status = Number(h[':status']);
    open.headers = h as Record<string, string | string[] | undefined>;
  });
  stream.on('data', (c: string) => {
    open.text += c;
    if (options.pauseOnFirstData) stream.pause();
  });
  // A stream reset by this side (abort) errors on some Node versions; the test asserts on the server.
  stream.on('error', () => undefined);
  stream.end(body);
  return open;
}

/** Starts an HTTP/1.1 request (its own connection) and reads its chunked answer as it arrives. */
export function h1Open(
  server: KsqlRestServer,
  path: string,
  body: string,
  headers: Record<string, string> = {},
  options: { pauseOnFirstData?: boolean } = {},
): OpenStream {
  let abort: () => void = () => undefined;
  let pause: () => void = () => undefined;
  const open: OpenStream = {
    status: 0,
    headers: {},
    text: '',
    ended: new Promise((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', ...headers },
          agent: false,
        },
        (res) => {
          open.status = res.statusCode ?? 0;
          open.headers = res.headers;
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            open.text += c;
            if (options.pauseOnFirstData) res.pause();
          });
          res.on('close', () => resolve());
          pause = () => res.pause();
        },
      );
      abort = () => req.destroy();
      req.on('error', () => resolve());
      req.on('close', () => {
        if (open.status === 0) resolve();
      });
      req.end(body);
    }),
    lines: () => linesOf(open.text),
    abort: () => abort(),
    pause: () => pause(),
  };
  return open;
}
