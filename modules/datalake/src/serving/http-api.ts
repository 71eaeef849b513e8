import { type Logger, formatInstant, isIncomplete } from '@meterstream/common';
import type { Client } from 'cassandra-driver';
import { BasicAuthenticator, fastifyBasicAuthHook, type UserCredential } from '@meterstream/security';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { MartDao } from '@meterstream/persistence';
import { InvalidParameterError } from '../time-range.js';
import { registerMartRoutes } from './mart-routes.js';
import { type DashboardOptions, registerDashboard } from './dashboard/register-dashboard.js';
import { parseServingQuery } from './parse-query.js';
import { type ServingStores, queryAggregates } from './query.js';

export interface ServingApiOptions {
  stores: ServingStores;
  /** Used by /health to check that Cassandra answers. */
  cassandra: Client;
  /** The analytics marts' rows (`/marts/…`); default: keyspace `metrics` of `cassandra`. */
  marts?: MartDao;
  logger?: Logger;
  /** The web dashboard and its endpoints (dashboard/register-dashboard.ts); absent: API only. */
  dashboard?: DashboardOptions;
  /** HTTP Basic auth against these users (any access level reads; this API only reads); off when absent. */
  users?: UserCredential[];
  /** Serve HTTPS with this key and certificate chain (`tlsServerOptions(bundle)`); HTTP when absent. */
  tls?: { key: string; cert: string };
}

/**
 * The serving layer's HTTP API:
 *
 * - `GET /aggregates?gateway=&metricType=&attribute=&window=&from=&to=[&limit=]` → the merged
 *   batch + real-time rows of one series (see queryAggregates), instants as ISO-8601 UTC;
 * - `GET /marts/<mart>?…` → the analytics marts' rows (see mart-routes.ts);
 * - `GET /health` → 200 when Cassandra answers, 503 otherwise.
 *
 * Bad parameters get 400 `{ error: 'Bad Request', parameter, message }`.
 */
export function buildServingApi(options: ServingApiOptions): FastifyInstance {
  const app = Fastify({
    // Request lines only at debug: a query API logs its errors, not every request.
    loggerInstance: options.logger?.child(
      { component: 'http' },
      { level: options.logger.isLevelEnabled('debug') ? 'debug' : 'warn' },
    ) as FastifyBaseLogger | undefined,
    ...(options.tls ? { https: options.tls } : {}),
  }) as unknown as FastifyInstance;

  if (options.users) {
    const auth = new BasicAuthenticator(options.users, 'meterstream serving');
    // 401/403 in this API's own error shape ({ error, message }); every route only reads.
    const body = (denied: { status: 401 | 403 }) => ({
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify(
        denied.status === 401
          ? { error: 'Unauthorized', message: 'valid credentials are required' }
          : { error: 'Forbidden', message: 'this user may not read the serving API' },
      ),
    });
    app.addHook(
      'onRequest',
      fastifyBasicAuthHook(auth, body, () => 'read'),
    );
  }

  app.setErrorHandler((caught, request, reply) => {
    const error = caught as Error & { statusCode?: number };
    if (error instanceof InvalidParameterError) {
      return reply
        .code(400)
        .send({ error: 'Bad Request', parameter: error.parameter, message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply
      .code(status)
      .send({ error: status >= 500 ? 'Internal Server Error' : 'Bad Request', message: error.message });
  });

  app.get('/aggregates', async (request) => {
    const query = parseServingQuery(request.query as Record<string, unknown>);
    const result = await queryAggregates(options.stores, query);
    return {
      gateway: query.gateway,
      metricType: query.metricType,
      attribute: query.attribute,
      window: query.window,
      from: formatInstant(query.from),
      to: formatInstant(query.to),
      lowWaterMark: result.lowWaterMark === null ? null : formatInstant(result.lowWaterMark),
      highWaterMark: result.highWaterMark === null ? null : formatInstant(result.highWaterMark),
      rows: result.rows.map((row) => ({
        windowStart: formatInstant(row.windowStart),
        windowEnd: formatInstant(row.windowEnd),
        sampleCount: row.sampleCount,
        min: row.min,
        // null: every reading of the window came from a flagged meter (no peak).
        max: Number.isFinite(row.max) ? row.max : null,
        sum: row.sum,
        average: row.average,
        estimatedCount: row.estimatedCount ?? 0,
        flaggedCount: row.flaggedCount ?? 0,
        incomplete: isIncomplete(row),
        layer: row.layer,
      })),
    };
  });

  registerMartRoutes(app, options.marts ?? new MartDao(options.cassandra));

  app.get('/health', async (_request, reply) => {
    try {
      await options.cassandra.execute('SELECT release_version FROM system.local');
      return { status: 'ok', cassandra: 'up' };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', cassandra: (error as Error).message });
    }
  });

  if (options.dashboard) registerDashboard(app, options.stores, options.dashboard);
  return app;
}
