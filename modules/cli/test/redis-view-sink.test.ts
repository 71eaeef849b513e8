import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '@meterstream/broker';
import {
  type AggregateMetric,
  type Metric,
  aggregateJsonSerde,
  formatMetricKey,
  loadConfig,
  metricAvroSerde,
} from '@meterstream/common';
import { RedisServingView } from '@meterstream/persistence';
import { Redis } from 'ioredis';
import { Kafka, type Message, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestRedis, startRedisServer, testLogger } from '@meterstream/test-support';
import { startRedisViewSink } from '../src/apps/redis-view-sink.js';

const cleanups: (() => Promise<void>)[] = [];
let kafka: Kafka;
let bootstrap: string;
let redisServer: TestRedis;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redis-view-test-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const broker = await startBroker({ port: 0, dataDir, logger: testLogger('broker') });
  cleanups.push(() => broker.close());
  bootstrap = `127.0.0.1:${broker.port}`;
  kafka = new Kafka({ brokers: [bootstrap], clientId: 'redis-view-test', logLevel: logLevel.NOTHING });
  redisServer = await startRedisServer();
  cleanups.push(() => redisServer.stop());
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function produce(topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

function aggregate(gateway: string, window: number, index: number): AggregateMetric {
  const windowStart = Date.parse('2006-12-16T00:00:00Z') + index * window * 1000;
  return {
    gateway,
    metricType: 'ELECTRICITY',
    metricAttribute: 'ACTIVE_POWER',
    windowStart,
    windowEnd: windowStart + window * 1000,
    sampleCount: 3,
    min: index,
    max: index + 2,
    sum: 3 * (index + 1),
    average: index + 1,
  };
}

it('keeps the latest aggregate per series and window and the latest activity per gateway', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: ['metrics-aggregates-60', 'metrics-aggregates-600', 'metrics'].map((topic) => ({
      topic,
      numPartitions: 2,
    })),
  });
  await admin.disconnect();

  // Out of order on purpose: the newest window is not the last record.
  const minute = [0, 1, 2, 7, 3].flatMap((i) => ['a', 'b'].map((g) => aggregate(g, 60, i)));
  const tenMinutes = [4, 2].map((i) => aggregate('a', 600, i));
  const toMessage = (a: AggregateMetric): Message => ({
    key: formatMetricKey(a),
    value: aggregateJsonSerde.serialize(a),
  });
  await produce('metrics-aggregates-60', [
    ...minute.map(toMessage),
    { key: 'a.ELECTRICITY.ACTIVE_POWER', value: Buffer.from('nope') },
  ]);
  await produce('metrics-aggregates-600', tenMinutes.map(toMessage));
  const metrics: Metric[] = [
    { gateway: 'a', metricType: 'ELECTRICITY', metricAttribute: 'VOLTAGE', timestamp: 5_000, value: 230 },
    { gateway: 'a', metricType: 'ELECTRICITY', metricAttribute: 'VOLTAGE', timestamp: 9_000, value: 231 },
    { gateway: 'b', metricType: 'GAS', metricAttribute: 'GAS_IDD', timestamp: 7_000, value: 1 },
    { gateway: 'a', metricType: 'ELECTRICITY', metricAttribute: 'VOLTAGE', timestamp: 8_000, value: 229 },
  ];
  // A reading under a malformed key: the metric record rule refuses it here as in the aggregator
  // and the S3 sink, so gateway c shows no activity the speed layer never saw.
  const malformed: Metric = {
    gateway: 'c',
    metricType: 'WATER',
    metricAttribute: 'WATER_IDD',
    timestamp: 9_500,
    value: 1,
  };
  await produce('metrics', [
    ...metrics.map((m) => ({ key: formatMetricKey(m), value: metricAvroSerde.serialize(m) })),
    { key: 'c.WATER', value: metricAvroSerde.serialize(malformed) },
  ]);

  const config = loadConfig(
    {
      'kafka-brokers': bootstrap,
      'redis-url': redisServer.url,
      'schema-registry-url': 'none',
      'log-level': 'silent',
    },
    {},
  );
  const sink = await startRedisViewSink({
    config,
    logger: testLogger('test'),
    windows: [60, 600],
    prefix: 'view',
  });
  cleanups.push(() => sink.stop());

  const redis = new Redis(redisServer.url);
  cleanups.push(async () => redis.disconnect());
  const view = new RedisServingView(redis, { prefix: 'view' });
  const expectedRecords = minute.length + 1 + tenMinutes.length + metrics.length + 1;
  const deadline = Date.now() + 30_000;
  while (sink.stats.written + sink.stats.deadLettered < expectedRecords && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(sink.stats.deadLettered).toBe(2);
  expect(sink.stats.written).toBe(expectedRecords - 2);

  const id = (gateway: string) =>
    ({ gateway, metricType: 'ELECTRICITY', metricAttribute: 'ACTIVE_POWER' }) as const;
  expect(await view.latestAggregate(60, id('a'))).toEqual(aggregate('a', 60, 7));
  expect(await view.latestAggregate(60, id('b'))).toEqual(aggregate('b', 60, 7));
  expect(await view.latestAggregate(600, id('a'))).toEqual(aggregate('a', 600, 4));
  expect(await view.latestAggregate(600, id('b'))).toBeUndefined();
  expect(await view.activeSince(0)).toEqual([
    { gateway: 'a', timestamp: 9_000 },
    { gateway: 'b', timestamp: 7_000 },
  ]);
  // The documented key layout, read with plain Redis commands.
  expect(await redis.hget('view:latest:60:a.ELECTRICITY.ACTIVE_POWER', 'windowStart')).toBe(
    String(aggregate('a', 60, 7).windowStart),
  );
  expect(await redis.zscore('view:activity', 'b')).toBe('7000');
  await sink.stop();
});
