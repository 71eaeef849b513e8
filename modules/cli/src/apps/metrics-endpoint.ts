import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type MeterstreamConfig, secureStackFiles } from '@meterstream/common';
import { type EndpointSecurity, metricsGuard, readCredentialsFile } from '@meterstream/security';
import type { Registry } from 'prom-client';

export interface MetricsEndpoint {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text of `registry`) on 127.0.0.1:`port` (0: a free port); any
 * other path is 404. The one /metrics server of the CLI's apps (aggregator, Cassandra writer,
 * Redis view sink). The broker has its own in broker/src/metrics.ts: servers import nothing of ours.
 * With `security`: Basic auth (any listed user may scrape) and/or HTTPS.
 */
export async function serveMetrics(
  registry: Registry,
  port: number,
  security?: EndpointSecurity,
): Promise<MetricsEndpoint> {
  const guard = metricsGuard(security);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (!guard(req, res)) return;
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  };
  const server = security?.tls ? createHttpsServer(security.tls, handler) : createServer(handler);
  const bound = await new Promise<number>((resolve, reject) => {
    // A port in use must fail the start, not leave it waiting forever.
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  return { port: bound, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * The /metrics protection of an app on a stack started with `up --secure` (its data directory
 * holds the stack's credentials): Basic auth with the stack's users. None otherwise.
 */
export async function appMetricsSecurity(
  config: Pick<MeterstreamConfig, 'securityUser' | 'dataDir'>,
): Promise<EndpointSecurity | undefined> {
  if (!config.securityUser) return undefined;
  return { users: await readCredentialsFile(secureStackFiles(config.dataDir).credentials) };
}
