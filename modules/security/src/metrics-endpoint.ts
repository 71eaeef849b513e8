import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type EndpointSecurity, metricsGuard } from './metrics-guard.js';

/**
 * What a /metrics endpoint serves: prom-client's `Registry` fits it. A structural type, so this
 * module (a leaf every server may use) needs no prom-client of its own.
 */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsEndpoint {
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (the Prometheus text of `source`) on `host`:`port` (0: a free port); any
 * other path is 404. The one /metrics server of the broker and the CLI's apps (aggregator, quality,
 * Cassandra writer, Redis view sink). With `security`: Basic auth (any listed user may scrape)
 * and/or HTTPS. A port in use rejects the start rather than leaving it waiting.
 */
export async function serveMetrics(
  source: MetricsSource,
  port: number,
  security?: EndpointSecurity,
  host = '127.0.0.1',
): Promise<MetricsEndpoint> {
  const guard = metricsGuard(security);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (!guard(req, res)) return;
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    source.metrics().then(
      (text) => res.writeHead(200, { 'content-type': source.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  };
  const server: Server = security?.tls ? createHttpsServer(security.tls, handler) : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
