import { type Server, createServer } from 'node:http';
import type { AggregateMetric } from '@meterstream/common';
import { type HealthTarget, Segment, buildServingApi, writeSegmentObjects } from '@meterstream/datalake';
import { AggregateDao, HighWaterMarkDao, RedisServingView, applyMigrations } from '@meterstream/persistence';
import {
  BUCKET,
  type TestCassandra,
  type TestLake,
  type TestRedis,
  freePort,
  startTestLake,
  startRedisServer,
  startTestCassandra,
} from '@meterstream/test-support';
import type { Metric } from '@meterstream/common';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { SERIES, coarser, minuteWindows } from './dashboard-data.js';

export const D0 = Date.UTC(2024, 0, 1);
export const DAY = 86_400_000;
/** Days of 1-minute data written for SERIES. */
export const DAYS = 7;
/** The batch view covers the first two days of the hourly windows. */
export const BATCH_UNTIL = D0 + 2 * DAY;

export interface DashboardFixture {
  baseUrl: string;
  minutes: AggregateMetric[];
  /** The raw readings of SERIES in the lake (its first day), one per minute at :30. */
  readings: Metric[];
  speed: AggregateDao;
  view: RedisServingView;
  close(): Promise<void>;
}

/** A Prometheus text endpoint as an app's prom-client registry would serve it. */
const EXPOSITION = [
  '# HELP meterstream_aggregator_records_total Records folded.',
  '# TYPE meterstream_aggregator_records_total counter',
  'meterstream_aggregator_records_total{partition="0"} 1200',
  'meterstream_aggregator_records_total{partition="1"} 34',
  '# HELP meterstream_dead_letters_total Records dead-lettered.',
  '# TYPE meterstream_dead_letters_total counter',
  'meterstream_dead_letters_total{application="a",reason="bad-encoding"} 3',
  '# HELP process_resident_memory_bytes Resident memory.',
  '# TYPE process_resident_memory_bytes gauge',
  'process_resident_memory_bytes 1000000',
  '',
].join('\n');

/**
 * The serving API with its dashboard on the embedded CQL server and a real redis-server: a week of
 * 1-minute windows of SERIES in the real-time view (and its first day of raw readings in the lake) (plus their 10-minute and hourly windows), the
 * hourly batch view over the first two days, the Redis view's latest windows and the activity of
 * three gateways; one app's metrics endpoint up, one down; consumer lag when given a broker admin.
 */
export async function startDashboardFixture(
  options: { admin?: () => Promise<Admin> } = {},
): Promise<DashboardFixture> {
  let cql: TestCassandra | undefined;
  let lake: TestLake | undefined;
  let redisServer: TestRedis | undefined;
  let redis: Redis | undefined;
  let api: FastifyInstance | undefined;
  let metrics: Server | undefined;
  const close = async () => {
    await api?.close();
    redis?.disconnect();
    await redisServer?.stop();
    await cql?.close();
    await lake?.close();
    await new Promise((resolve) => (metrics ? metrics.close(resolve) : resolve(undefined)));
  };
  try {
    [cql, redisServer, lake] = await Promise.all([
      startTestCassandra((client) => applyMigrations(client, { keyspace: 'metrics' })),
      startRedisServer(),
      startTestLake(),
    ]);
    redis = new Redis(redisServer.url);
    const speed = new AggregateDao(cql.client);
    const batch = new AggregateDao(cql.client, { family: 'batch_aggregates' });
    const marks = new HighWaterMarkDao(cql.client);
    const view = new RedisServingView(redis);
    const minutes = minuteWindows(D0, DAYS * 1440);
    await speed.saveAll(60, minutes);
    for (const window of [600, 3600]) await speed.saveAll(window, coarser(minutes, window));
    // The batch view's hourly windows differ a little from the speed layer's (as after a late
    // reading), so a test can tell which view a point came from.
    const batchHours = coarser(minutes, 3600)
      .filter((a) => a.windowStart < BATCH_UNTIL)
      .map((a) => ({ ...a, sum: a.sum + a.sampleCount, average: a.average + 1 }));
    await batch.saveAll(3600, batchHours);
    await marks.set(3600, BATCH_UNTIL, D0);
    for (const window of [60, 600, 3600]) {
      await view.writeLatestAggregates(window, window === 60 ? minutes : coarser(minutes, window));
    }
    // The lake holds the first day's readings of SERIES (each minute's one reading, at :30) and of
    // gateway 1, archived as the S3 sink would: one segment, one object per (type, date).
    const readings: Metric[] = minutes
      .filter((m) => m.windowStart < D0 + DAY)
      .map((m) => ({ ...SERIES, timestamp: m.windowStart + 30_000, value: m.average }));
    const segment = new Segment('metrics', 0, 0, 0, null);
    let offset = 0;
    for (const reading of readings) {
      segment.addMetric(offset, 30, { ...reading, partition: 0, offset });
      segment.addMetric(offset + 1, 30, {
        ...reading,
        gateway: '1',
        value: -1,
        partition: 0,
        offset: offset + 1,
      });
      offset += 2;
    }
    await writeSegmentObjects({ s3: lake.s3, bucket: BUCKET }, segment);
    const lastReading = minutes[minutes.length - 1]!.windowStart + 30_000;
    await view.recordActivity([
      { gateway: '0', timestamp: lastReading },
      { gateway: '1', timestamp: lastReading - 120_000 },
      { gateway: '2', timestamp: lastReading - DAY },
    ]);
    metrics = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(EXPOSITION);
    });
    await new Promise<void>((resolve) => metrics!.listen(0, '127.0.0.1', resolve));
    const address = metrics.address() as { port: number };
    const healthTargets: HealthTarget[] = [
      { name: 'aggregate-60', url: `http://127.0.0.1:${address.port}/metrics` },
      // A free port nobody listens on: the app is down.
      { name: 'sink-cassandra-60', url: `http://127.0.0.1:${await freePort()}/metrics` },
    ];
    api = buildServingApi({
      stores: { speed, batch, marks },
      cassandra: cql.client,
      dashboard: { redis, healthTargets, admin: options.admin, lake: { s3: lake.s3, bucket: BUCKET } },
    });
    const baseUrl = await api.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl, minutes, readings, speed, view, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export { SERIES };
