import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@meterstream/broker';
import { type AggregateMetric, createLogger, formatMetricKey, loadConfig } from '@meterstream/common';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAggregator } from '../src/apps/aggregator.js';
import { type RunningRedis, startRedisServer } from '../src/stack/redis-server.js';
import {
  TICK_GATEWAY,
  T0,
  produceMetrics,
  produceTicks,
  readAggregates,
  referenceAggregates,
  windowKey,
  workload,
} from './helpers/aggregation-workload.js';
import { waitFor } from './helpers/cli-process.js';

const PARTITIONS = 4;
let broker: RunningBroker;
let redis: RunningRedis;
let dir: string;
let kafka: Kafka;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-redis-agg-'));
  broker = await startBroker({
    port: 0,
    dataDir: join(dir, 'kafka'),
    logger: createLogger('broker', 'warn'),
  });
  redis = await startRedisServer({ port: await freePort() });
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await broker?.close();
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function committed(groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

function start() {
  return startAggregator({
    config: loadConfig(
      { 'kafka-brokers': broker.bootstrap, 'schema-registry-url': 'none', 'redis-url': redis.url },
      {},
    ),
    logger: createLogger('agg', 'warn'),
    sourceTopic: 'redis-in',
    windowsSec: [60],
    graceSec: 300,
    inputFormat: 'json',
    processingGuarantee: 'exactly_once_v2',
    commitIntervalMs: 100,
    applicationId: 'redis-agg',
    instanceId: 'a',
    stateStore: 'redis',
    sessionTimeoutMs: 6_000,
    outputTopic: (w) => `redis-out-${w}`,
  });
}

describe('aggregator with Redis state stores', () => {
  it('restarts after a clean stop restoring nothing before the checkpoint, and stays exact', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: ['redis-in', 'redis-out-60'].map((topic) => ({ topic, numPartitions: PARTITIONS })),
    });
    await admin.disconnect();
    const metrics = workload(20, 1000, 6_000);
    const half = metrics.length / 2;

    const first = await start();
    await produceMetrics(kafka, 'redis-in', metrics.slice(0, half));
    await waitFor(
      'first half committed',
      async () => (await committed('redis-agg', 'redis-in')) >= half,
      60_000,
    );
    await first.close();

    // The state is in Redis, namespaced per application/store/partition, with a checkpoint.
    const client = new Redis(redis.url);
    const keys = await client.keys('ms:{redis-agg:*');
    await client.quit();
    expect(keys.length).toBeGreaterThan(0);
    const changelogAdmin = kafka.admin();
    await changelogAdmin.connect();
    const changelog = await changelogAdmin.fetchTopicOffsets('redis-agg-metric-aggregates-60s-changelog');
    await changelogAdmin.disconnect();
    const changelogRecords = changelog.reduce((sum, p) => sum + Number(p.high), 0);
    expect(changelogRecords, 'an in-memory store would have to replay all of these').toBeGreaterThan(0);

    const second = await start();
    try {
      await waitFor(
        'running',
        () => second.streams.state() === 'RUNNING' && second.streams.taskMetrics().tasks.length === 4,
      );
      expect(second.streams.lastRestoredRecords).toBe(0);
      await produceMetrics(kafka, 'redis-in', metrics.slice(half));
      await produceTicks(kafka, 'redis-in', PARTITIONS, T0 + 10 * 86_400_000);
      await waitFor(
        'everything committed',
        async () => (await committed('redis-agg', 'redis-in')) >= metrics.length + PARTITIONS,
        60_000,
      );
    } finally {
      await second.close();
    }
    const records = await readAggregates(kafka, 'redis-out-60', { until: () => false, timeoutMs: 2_000 });
    const expected = referenceAggregates(metrics, 60_000);
    for (const key of expected.keys()) if (key.startsWith(`${TICK_GATEWAY}.`)) expected.delete(key);
    const byWindow = new Map<string, AggregateMetric>();
    for (const r of records) {
      const key = windowKey(formatMetricKey(r), r.windowStart);
      expect(byWindow.has(key), `duplicate ${key}`).toBe(false);
      byWindow.set(key, r);
    }
    expect(byWindow.size).toBe(expected.size);
    for (const [key, aggregate] of expected) expect(byWindow.get(key), key).toEqual(aggregate);
  }, 120_000);
});
