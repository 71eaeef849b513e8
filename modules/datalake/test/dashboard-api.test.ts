import { type AggregateMetric, mergeAggregates } from '@meterstream/common';
import { buildServingApi, createDashboardRedis } from '@meterstream/datalake';
import { AggregateDao, HighWaterMarkDao, RedisServingView, applyMigrations } from '@meterstream/persistence';
import {
  type TestCassandra,
  type TestKafka,
  type TestRedis,
  startRedisServer,
  startTestCassandra,
  startTestKafka,
  waitFor,
} from '@meterstream/test-support';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIES, coarser, minuteWindows } from './helpers/dashboard-data.js';

// The dashboard's JSON and SSE endpoints over HTTP, against the embedded CQL server, a real
// redis-server and the embedded broker (consumer lag through kafkajs admin).

const D0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const series = 'gateway=0&metricType=ELECTRICITY&attribute=ACTIVE_POWER';

let cql: TestCassandra;
let redisServer: TestRedis;
let kafka: TestKafka;
let redis: Redis;
/** The API's own client, as `serve` makes it (fails fast while Redis is down). */
let apiRedis: Redis;
const connectionErrors: Error[] = [];
let speed: AggregateDao;
let batch: AggregateDao;
let marks: HighWaterMarkDao;
let view: RedisServingView;
let api: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  [cql, redisServer, kafka] = await Promise.all([
    startTestCassandra((client) => applyMigrations(client, { keyspace: 'metrics' })),
    startRedisServer(),
    startTestKafka(),
  ]);
  redis = new Redis(redisServer.url);
  speed = new AggregateDao(cql.client);
  batch = new AggregateDao(cql.client, { family: 'batch_aggregates' });
  marks = new HighWaterMarkDao(cql.client);
  view = new RedisServingView(redis);
  apiRedis = createDashboardRedis(redisServer.url);
  // Connection errors are answered per request (the last test stops Redis); kept, not printed.
  apiRedis.on('error', (error: Error) => connectionErrors.push(error));
  await apiRedis.connect();
  api = buildServingApi({
    stores: { speed, batch, marks },
    cassandra: cql.client,
    dashboard: { redis: apiRedis, admin: async () => kafka.admin, pollMs: 200 },
  });
  baseUrl = await api.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);
afterAll(async () => {
  await api?.close();
  redis?.disconnect();
  apiRedis?.disconnect();
  await redisServer?.stop();
  await kafka?.close();
  await cql?.close();
});

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A reference fold of rows into buckets of `bucketMs` from `from`: what the chart must get. */
function reference(rows: AggregateMetric[], from: number, bucketMs: number) {
  const buckets = new Map<number, AggregateMetric>();
  for (const row of rows) {
    const start = from + Math.floor((row.windowStart - from) / bucketMs) * bucketMs;
    const seen = buckets.get(start);
    buckets.set(start, seen ? mergeAggregates(seen, row) : row);
  }
  const list = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  return {
    t: list.map(([t]) => t),
    min: list.map(([, a]) => a.min),
    max: list.map(([, a]) => a.max),
    avg: list.map(([, a]) => a.sum / a.sampleCount),
    count: list.map(([, a]) => a.sampleCount),
  };
}

describe('dashboard endpoints', () => {
  it('GET /series lists the series of the Redis view with their windows and latest window end', async () => {
    const other = { gateway: 'site.7', metricType: 'WATER' as const, metricAttribute: 'WATER_IDD' as const };
    await view.writeLatestAggregates(60, minuteWindows(D0, 3, 1, SERIES));
    await view.writeLatestAggregates(3600, coarser(minuteWindows(D0, 120, 1, other), 3600));
    await redis.set('meterstream:latest:60:not-a-series-key', 'x'); // another writer's key: skipped
    const { status, body } = await getJson('/series');
    expect(status).toBe(200);
    expect(body.series).toEqual([
      { ...SERIES, windows: [60], latestWindowEnd: D0 + 3 * MIN },
      { ...other, windows: [3600], latestWindowEnd: D0 + 2 * 3_600_000 },
    ]);
  });

  it('GET /downsample folds the finest available windows into one bucket per point, then uses coarser ones', async () => {
    const minutes = minuteWindows(D0, 120, 2);
    await speed.saveAll(60, minutes);
    const path = `/downsample?${series}&from=${iso(D0)}&to=${iso(D0 + 120 * MIN)}&points=4`;
    // 30-minute buckets: no 10-minute windows written yet, so the 1-minute ones are folded.
    const first = await getJson(path);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      window: 60,
      bucketMs: 30 * MIN,
      lowWaterMark: null,
      highWaterMark: null,
    });
    const expected = reference(minutes, D0, 30 * MIN);
    expect(first.body.t).toEqual(expected.t);
    expect(first.body.min).toEqual(expected.min);
    expect(first.body.max).toEqual(expected.max);
    expect(first.body.count).toEqual(expected.count);
    for (const [i, avg] of (first.body.avg as number[]).entries())
      expect(avg).toBeCloseTo(expected.avg[i]!, 9);
    expect(first.body.layer).toEqual(['speed', 'speed', 'speed', 'speed']);

    const tens = coarser(minutes, 600);
    await speed.saveAll(600, tens);
    const second = await getJson(path);
    // Sent gzipped to a client that takes it (Node's fetch asks for gzip and inflates it).
    expect((await fetch(`${baseUrl}${path}`)).headers.get('content-encoding')).toBe('gzip');
    expect(second.body).toMatchObject({
      window: 600,
      bucketMs: 30 * MIN,
      min: expected.min,
      max: expected.max,
    });

    // A batch view of the 1-minute windows up to 00:45: the second bucket straddles the mark.
    await batch.saveAll(
      60,
      minutes.filter((m) => m.windowStart < D0 + 45 * MIN),
    );
    await marks.set(60, D0 + 45 * MIN, D0);
    const mixed = await getJson(`${path}&window=60`);
    expect(mixed.body).toMatchObject({ window: 60, lowWaterMark: D0, highWaterMark: D0 + 45 * MIN });
    expect(mixed.body.layer).toEqual(['batch', 'mixed', 'speed', 'speed']);
  });

  it('GET /downsample refuses bad parameters by name', async () => {
    const range = `from=${iso(D0)}&to=${iso(D0 + MIN)}`;
    for (const [query, parameter] of [
      [`${series}&${range}`, 'points'],
      [`${series}&${range}&points=0`, 'points'],
      [`${series}&${range}&points=5001`, 'points'],
      [`${series}&${range}&points=10&window=90`, 'window'],
      [`gateway=0&metricType=GAS&attribute=ACTIVE_POWER&${range}&points=10`, 'attribute'],
    ] as const) {
      const { status, body } = await getJson(`/downsample?${query}`);
      expect(status, query).toBe(400);
      expect(body.parameter, query).toBe(parameter);
    }
  });

  it('GET /readings refuses ranges over 24 h by name, and says when no data lake is configured', async () => {
    const long = await getJson(`/readings?${series}&from=${iso(D0)}&to=${iso(D0 + 25 * 60 * MIN)}`);
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ parameter: 'to', message: expect.stringContaining('at most 24 h') });
    const unconfigured = await getJson(`/readings?${series}&from=${iso(D0)}&to=${iso(D0 + 60 * MIN)}`);
    expect(unconfigured.status).toBe(503);
    expect(unconfigured.body.message).toBe('no data lake configured');
  });

  it('GET /pipeline reports consumer lag per committed partition from the broker', async () => {
    await kafka.admin.createTopics({ topics: [{ topic: 'metrics-aggregates-60', numPartitions: 2 }] });
    const producer = kafka.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'metrics-aggregates-60',
      messages: [
        ...Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `a${i}` })),
        ...Array.from({ length: 4 }, (_, i) => ({ partition: 1, value: `b${i}` })),
      ],
    });
    await producer.disconnect();
    await kafka.admin.setOffsets({
      groupId: 'meterstream-cassandra-writer-60',
      topic: 'metrics-aggregates-60',
      partitions: [{ partition: 0, offset: '6' }],
    });
    const { status, body } = await getJson('/pipeline');
    expect(status).toBe(200);
    expect(body.lagError).toBeNull();
    expect(body.apps).toEqual([]);
    // Partition 1 was never committed by the group: no row (its lag is unknown, not 4).
    expect(body.lag).toEqual([
      {
        group: 'meterstream-cassandra-writer-60',
        topic: 'metrics-aggregates-60',
        partition: 0,
        committed: 6,
        end: 10,
        lag: 4,
      },
    ]);
  });

  it('GET /live sends a snapshot, then every window that closed, in order, even when Cassandra lags Redis', async () => {
    const id = { gateway: 'live-1', metricType: 'GAS' as const, metricAttribute: 'GAS_IDD' as const };
    const rows = minuteWindows(D0, 10, 3, id);
    await speed.saveAll(60, rows.slice(0, 5));
    await view.writeLatestAggregates(60, rows.slice(0, 5));
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/live?gateway=live-1&metricType=gas&attribute=gas_idd`, {
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events: { type: string; data: { window?: number; rows?: AggregateMetric[] } }[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) events.push({ type, data: JSON.parse(data) });
          end = buffer.indexOf('\n\n');
        }
      }
    })().catch((error: Error) => {
      if (error.name !== 'AbortError') throw error;
    });
    const starts = (type: string) =>
      events
        .filter((e) => e.type === type && e.data.window === 60)
        .flatMap((e) => e.data.rows!.map((r) => r.windowStart));
    await waitFor('the snapshot', () => starts('snapshot').length > 0, 30_000, 20);
    expect(starts('snapshot')).toEqual(rows.slice(0, 5).map((r) => r.windowStart));
    // Two windows close between two polls: both are sent, oldest first.
    await speed.saveAll(60, rows.slice(5, 7));
    await view.writeLatestAggregates(60, rows.slice(5, 7));
    await waitFor('windows 5 and 6', () => starts('windows').length >= 2, 30_000, 20);
    expect(starts('windows')).toEqual([rows[5]!.windowStart, rows[6]!.windowStart]);
    // The Redis view is ahead of Cassandra for a while: the window is sent once Cassandra has it.
    await view.writeLatestAggregates(60, [rows[7]!]);
    const polls = events.length;
    await new Promise((resolve) => setTimeout(resolve, 600)); // a few polls see Redis ahead
    expect(events.length).toBe(polls); // nothing to send: Cassandra has no window 7 yet
    await speed.save(60, rows[7]!);
    await waitFor('window 7', () => starts('windows').length >= 3, 30_000, 20);
    expect(starts('windows')).toEqual(rows.slice(5, 8).map((r) => r.windowStart));
    expect(events.filter((e) => e.type === 'problem')).toEqual([]);
    controller.abort();
    await reading;
  });

  it('answers 503 naming the Redis view while Redis is down, and the live stream says so', async () => {
    await redisServer.stop();
    const { status, body } = await getJson('/series');
    expect(status).toBe(503);
    expect(body.message).toMatch(/^Redis view: /);
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/live`, { signal: controller.signal });
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of response.body!) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      if (text.includes('event: problem')) break;
    }
    controller.abort();
    expect(text).toMatch(/event: problem\ndata: \{"message":"Redis view \(activity\): /);
  });
});
