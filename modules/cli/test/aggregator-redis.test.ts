import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@meterstream/broker';
import { createLogger, loadConfig } from '@meterstream/common';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAggregator } from '../src/apps/aggregator.js';
import { type TestRedis, startRedisServer, testLogger } from '@meterstream/test-support';
import {
  T0,
  committedInput,
  createTopics,
  expectExactlyOnce,
  produceMetrics,
  produceTicks,
  readAggregates,
  referenceAggregates,
  workload,
} from './helpers/aggregation-workload.js';
import { waitFor } from './helpers/cli-process.js';

const PARTITIONS = 4;
let broker: RunningBroker;
let redis: TestRedis;
let dir: string;
let kafka: Kafka;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-redis-agg-'));
  broker = await startBroker({
    port: 0,
    dataDir: join(dir, 'kafka'),
    logger: testLogger('broker'),
  });
  redis = await startRedisServer();
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await broker?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

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
    await createTopics(kafka, PARTITIONS, 'redis-in', 'redis-out-60');
    const metrics = workload(20, 1000, 6_000);
    const half = metrics.length / 2;

    const first = await start();
    await produceMetrics(kafka, 'redis-in', metrics.slice(0, half));
    await waitFor(
      'first half committed',
      async () => (await committedInput(kafka, 'redis-agg', 'redis-in')) >= half,
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
        async () => (await committedInput(kafka, 'redis-agg', 'redis-in')) >= metrics.length + PARTITIONS,
        60_000,
      );
    } finally {
      await second.close();
    }
    const reference = referenceAggregates(metrics, 60_000);
    const records = await readAggregates(kafka, 'redis-out-60', { atLeast: reference.size });
    expectExactlyOnce(records, reference);
  }, 120_000);
});
