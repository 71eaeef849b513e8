import { AlertsFeed, buildServingApi } from '@meterstream/datalake';
import { AggregateDao, HighWaterMarkDao, applyMigrations } from '@meterstream/persistence';
import {
  type TestCassandra,
  type TestKafka,
  type TestRedis,
  startRedisServer,
  startTestCassandra,
  startTestKafka,
} from '@meterstream/test-support';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';

export interface AlertsFixture {
  baseUrl: string;
  kafka: TestKafka;
  close(): Promise<void>;
}

/**
 * The serving API with its dashboard, an alerts feed and the consumer-lag table on the embedded
 * broker (no alert topic exists at start), the embedded CQL server and a real redis-server (empty views: the page's
 * series picker says there is no series yet).
 */
export async function startAlertsFixture(): Promise<AlertsFixture> {
  let cql: TestCassandra | undefined;
  let redisServer: TestRedis | undefined;
  let kafka: TestKafka | undefined;
  let redis: Redis | undefined;
  let feed: AlertsFeed | undefined;
  let api: FastifyInstance | undefined;
  const close = async () => {
    await api?.close();
    await feed?.stop();
    redis?.disconnect();
    await redisServer?.stop();
    await cql?.close();
    await kafka?.close();
  };
  try {
    [cql, redisServer, kafka] = await Promise.all([
      startTestCassandra((client) => applyMigrations(client, { keyspace: 'metrics' })),
      startRedisServer(),
      startTestKafka(),
    ]);
    redis = new Redis(redisServer.url);
    const admin = kafka.admin;
    feed = new AlertsFeed({ kafka: kafka.kafka, admin: async () => admin, refreshMs: 300 });
    feed.start();
    api = buildServingApi({
      stores: {
        speed: new AggregateDao(cql.client),
        batch: new AggregateDao(cql.client, { family: 'batch_aggregates' }),
        marks: new HighWaterMarkDao(cql.client),
      },
      cassandra: cql.client,
      // The broker's admin also feeds the health view's consumer-lag table.
      dashboard: { redis, alerts: feed, pollMs: 200, admin: async () => admin },
    });
    const baseUrl = await api.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl, kafka, close };
  } catch (error) {
    await close();
    throw error;
  }
}
