import { type Logger, type MetricIdentity, formatInstant } from '@meterstream/common';
import { type GatewayActivity, RedisServingView, activityKey } from '@meterstream/persistence';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { WINDOWS } from '../../time-range.js';
import { parseServingQuery } from '../parse-query.js';
import type { ServingStores } from '../query.js';
import { registerAlertRoutes } from './alert-routes.js';
import type { AlertsFeed } from './alerts-feed.js';
import { downsample, parseDownsampleQuery } from './downsample.js';
import { eventStreams } from './event-stream.js';
import { ACTIVITY_ROWS, LiveSubscription } from './live-feed.js';
import { type HealthTarget, consumerLag, scrapeTarget } from './pipeline-health.js';
import { type LakeSource, parseReadingsQuery, rawReadings } from './raw-readings.js';
import { listSeries } from './series-listing.js';
import { registerStaticAssets } from './static-assets.js';

const gzipAsync = promisify(gzip);

export interface DashboardOptions {
  /** The Redis serving view (series catalogue, latest windows, activity). */
  redis: Redis;
  redisPrefix?: string;
  /** Prometheus endpoints of the apps, shown on the pipeline-health view. */
  healthTargets?: HealthTarget[];
  /** Broker admin for consumer lag; absent: the lag table says it is not configured. */
  admin?: () => Promise<Admin>;
  /** The data lake, for raw readings (`GET /readings`); absent: 503 saying so. */
  lake?: LakeSource;
  /** The alert topics' feed (Alerts view); absent: its endpoints answer empty, saying Kafka is not configured. The owner starts and stops it. */
  alerts?: AlertsFeed;
  /** The built bundle (default: this package's dist/web). */
  assetsDir?: string;
  /** Live poll period (default 1000 ms). */
  pollMs?: number;
  logger?: Logger;
}

/**
 * The web dashboard on the serving API's port: the page and its bundle, and the JSON / SSE
 * endpoints it reads — `GET /series`, `GET /downsample`, `GET /readings`, `GET /live` (Server-Sent Events),
 * `GET /pipeline`, and `GET /alerts`, `/alerts/heatmap`, `/alerts/live` (alert-routes.ts).
 */
export function registerDashboard(
  app: FastifyInstance,
  stores: ServingStores,
  options: DashboardOptions,
): void {
  const view = new RedisServingView(options.redis, { prefix: options.redisPrefix });
  registerStaticAssets(app, options.assetsDir);
  const openEventStream = eventStreams(app);
  // The top of the activity set only: a fleet of thousands sends its 200 most recent gateways.
  const recentActivity = async (): Promise<GatewayActivity[]> => {
    const key = activityKey(options.redisPrefix);
    const flat = await options.redis.zrevrange(key, 0, ACTIVITY_ROWS - 1, 'WITHSCORES');
    const rows: GatewayActivity[] = [];
    for (let i = 0; i < flat.length; i += 2) rows.push({ gateway: flat[i]!, timestamp: Number(flat[i + 1]) });
    return rows;
  };

  app.get('/series', async (_request, reply) => {
    try {
      return { series: await listSeries(options.redis, options.redisPrefix) };
    } catch (error) {
      // Redis down is a dependency outage (503, said in the answer), not a server bug (500).
      return reply
        .code(503)
        .send({ error: 'Service Unavailable', message: `Redis view: ${(error as Error).message}` });
    }
  });

  app.get('/downsample', async (request, reply) => {
    const query = parseDownsampleQuery(request.query as Record<string, unknown>);
    const body = JSON.stringify(await downsample(stores, query));
    reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
    // The chart's one answer per zoom is tens of KB of numbers: gzip cuts it about threefold.
    if (!/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.send(body);
    return reply.header('content-encoding', 'gzip').send(await gzipAsync(body));
  });

  const lag = async () => {
    if (!options.admin) return { rows: [], error: 'no Kafka brokers configured' };
    try {
      return { rows: await consumerLag(await options.admin()), error: null };
    } catch (error) {
      // A broker that does not answer is what this view reports, not a failed request.
      return { rows: [], error: (error as Error).message };
    }
  };
  app.get('/readings', async (request, reply) => {
    const query = parseReadingsQuery(request.query as Record<string, unknown>);
    if (!options.lake) {
      return reply.code(503).send({ error: 'Service Unavailable', message: 'no data lake configured' });
    }
    return rawReadings(options.lake, query);
  });

  app.get('/pipeline', async () => {
    const [apps, { rows, error }] = await Promise.all([
      Promise.all((options.healthTargets ?? []).map((target) => scrapeTarget(target))),
      lag(),
    ]);
    return { apps, lag: rows, lagError: error, at: formatInstant(Date.now()) };
  });

  registerAlertRoutes(app, openEventStream, options.alerts, {
    pollMs: options.pollMs ?? 1000,
    logger: options.logger,
  });

  app.get('/live', (request, reply) => {
    const raw = request.query as Record<string, unknown>;
    let series: MetricIdentity | undefined;
    if (raw.gateway !== undefined) {
      // The same validation as /aggregates, over a placeholder range.
      const parsed = parseServingQuery({
        gateway: raw.gateway,
        metricType: raw.metricType,
        attribute: raw.attribute,
        window: '60',
        from: '1970-01-01',
        to: '1970-01-02',
      });
      series = { gateway: parsed.gateway, metricType: parsed.metricType, metricAttribute: parsed.attribute };
    }
    const windows = WINDOWS.filter((w) => w !== 86400);
    const subscription = new LiveSubscription({ speed: stores.speed, view, recentActivity }, series, windows);
    openEventStream(request, reply, {
      pollMs: options.pollMs ?? 1000,
      poll: () => subscription.poll(),
      logger: options.logger,
    });
  });
}
