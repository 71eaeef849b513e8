import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of a real S3 server that answers 503 SlowDown/ServiceUnavailable on
 * demand: the failing endpoint of the sink's retry tests. Requests are forwarded verbatim (the
 * Host header included, so SigV4 signatures still verify at the server).
 */
export interface FlakyS3Proxy {
  endpoint: string;
  /** Answer every request with 503 while true. */
  failing: boolean;
  /** Answer the next `n` requests with 503 (then forward again). */
  failNext(n: number): void;
  /** Requests answered with 503 so far. */
  readonly refused: number;
  close(): Promise<void>;
}

export async function startFlakyS3Proxy(target: string): Promise<FlakyS3Proxy> {
  const upstream = new URL(target);
  let failNext = 0;
  let refused = 0;
  const state = { failing: false };
  const refuse = (res: ServerResponse) => {
    refused++;
    res.writeHead(503, { 'content-type': 'application/xml' });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>injected outage</Message></Error>',
    );
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (state.failing || failNext > 0) {
      if (failNext > 0) failNext--;
      // Drain the body first: the client may still be sending it.
      req.resume();
      req.on('end', () => refuse(res));
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502);
      res.end(error.message);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    failNext(n) {
      failNext = n;
    },
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
