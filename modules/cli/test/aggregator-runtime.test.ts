import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@meterstream/broker';
import { formatMetricKey, loadConfig, metricJsonSerde } from '@meterstream/common';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAggregator, startAggregator } from '../src/apps/aggregator.js';
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
let dir: string;
let kafka: Kafka;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-runtime-'));
  broker = await startBroker({ port: 0, dataDir: dir, logger: testLogger('broker') });
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

function aggregator(
  source: string,
  outputPrefix: string,
  applicationId: string,
  instanceId: string,
  guarantee: 'exactly_once_v2' | 'at_least_once',
  commitIntervalMs = 100,
) {
  return startAggregator({
    config: loadConfig({ 'kafka-brokers': broker.bootstrap, 'schema-registry-url': 'none' }, {}),
    logger: testLogger(`agg-${instanceId}`),
    sourceTopic: source,
    windowsSec: [60],
    graceSec: 300,
    inputFormat: 'json',
    processingGuarantee: guarantee,
    commitIntervalMs,
    applicationId,
    instanceId,
    sessionTimeoutMs: 6_000,
    outputTopic: (w) => `${outputPrefix}${w}`,
  });
}

describe('aggregator on the Kafka runtime', () => {
  it('graceful close under at_least_once commits what was processed (before the consumer leaves the group)', async () => {
    await createTopics(kafka, PARTITIONS, 'close-in', 'close-out-60');
    const metrics = workload(10, 100, 6_000);
    // A commit interval far longer than the test: the only commit is the one close() makes.
    const app = await aggregator('close-in', 'close-out-', 'close', 'a', 'at_least_once', 600_000);
    await produceMetrics(kafka, 'close-in', metrics);
    await waitFor('all processed', () => app.streams.taskMetrics().processed >= metrics.length, 30_000);
    expect(await committedInput(kafka, 'close', 'close-in')).toBe(0);
    const closing = performance.now();
    await app.close();
    // close() waits for the fetch in flight: bounded by the 500 ms fetch wait, not kafkajs' 5 s default.
    expect(performance.now() - closing).toBeLessThan(4_000);
    expect(await committedInput(kafka, 'close', 'close-in')).toBe(metrics.length);
  }, 60_000);

  it('at_least_once writes commit markers only after the output is acknowledged', async () => {
    // The output topic refuses every batch (max.message.bytes), the changelogs accept theirs: a
    // commit marker on a changelog would declare input done whose windows never reached the output,
    // and a restore would skip that input — the windows lost for good.
    await createTopics(kafka, PARTITIONS, 'order-in');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'order-out-60',
          numPartitions: PARTITIONS,
          configEntries: [{ name: 'max.message.bytes', value: '64' }],
        },
      ],
    });
    const metrics = workload(10, 100, 6_000);
    const app = await aggregator('order-in', 'order-out-', 'order', 'a', 'at_least_once', 600_000);
    await produceMetrics(kafka, 'order-in', metrics);
    await produceTicks(kafka, 'order-in', PARTITIONS, T0 + 10 * 86_400_000);
    await waitFor(
      'all processed',
      () => app.streams.taskMetrics().processed >= metrics.length + PARTITIONS,
      30_000,
    );
    await app.close(); // its commit: the output is refused
    const changelogs = (await admin.listTopics()).filter(
      (t) => t.startsWith('order-') && t.endsWith('-changelog'),
    );
    await admin.disconnect();
    expect(changelogs.length).toBeGreaterThan(0);
    expect(await committedInput(kafka, 'order', 'order-in')).toBe(0);
    let markers = 0;
    let records = 0;
    const consumer = kafka.consumer({ groupId: `order-check-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: changelogs, fromBeginning: true });
    const readAll = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          records++;
          if (message.key?.toString() === '__meterstream.commit') markers++;
        },
      });
      setTimeout(resolve, 3_000);
    });
    await readAll;
    await consumer.disconnect();
    expect(records, 'the changelogs received the state').toBeGreaterThan(0);
    expect(markers, 'no commit marker for a commit whose output was refused').toBe(0);
  }, 60_000);

  it('two instances split 4 partitions; when one stops the other restores its tasks and the output stays exact', async () => {
    await createTopics(kafka, PARTITIONS, 'scale-in', 'scale-out-60');
    const metrics = workload(40, 1000, 6_000); // 40k metrics
    const half = metrics.length / 2;
    const instances: RunningAggregator[] = [];
    try {
      instances.push(await aggregator('scale-in', 'scale-out-', 'scale', 'a', 'exactly_once_v2'));
      instances.push(await aggregator('scale-in', 'scale-out-', 'scale', 'b', 'exactly_once_v2'));
      const [a, b] = instances as [RunningAggregator, RunningAggregator];
      await waitFor(
        'two tasks each',
        () => a.streams.taskMetrics().tasks.length === 2 && b.streams.taskMetrics().tasks.length === 2,
        30_000,
      );
      expect([...a.streams.taskMetrics().tasks, ...b.streams.taskMetrics().tasks].sort()).toEqual([
        '0_0',
        '0_1',
        '0_2',
        '0_3',
      ]);

      await produceMetrics(kafka, 'scale-in', metrics.slice(0, half));
      await waitFor(
        'first half committed',
        async () => (await committedInput(kafka, 'scale', 'scale-in')) >= half,
        60_000,
      );
      expect(b.streams.taskMetrics().processed).toBeGreaterThan(0);

      await b.close();
      instances.pop();
      expect(b.streams.state()).toBe('NOT_RUNNING');
      await waitFor(
        'all four tasks restored on the survivor',
        () => a.streams.taskMetrics().tasks.length === 4 && a.streams.state() === 'RUNNING',
        30_000,
      );
      expect(
        a.streams.lastRestoredRecords,
        'moved tasks restore their state from the changelog',
      ).toBeGreaterThan(0);

      await produceMetrics(kafka, 'scale-in', metrics.slice(half));
      await produceTicks(kafka, 'scale-in', PARTITIONS, T0 + 10 * 86_400_000);
      await waitFor(
        'everything committed',
        async () => (await committedInput(kafka, 'scale', 'scale-in')) >= metrics.length + PARTITIONS,
        60_000,
      );
    } finally {
      for (const instance of instances) await instance.close();
    }
    const reference = referenceAggregates(metrics, 60_000);
    const records = await readAggregates(kafka, 'scale-out-60', { atLeast: reference.size });
    expectExactlyOnce(records, reference);
  }, 180_000);

  it('1 % corrupted payloads and malformed keys all land in the dead-letter topic with the error in headers; every good record is aggregated', async () => {
    await createTopics(kafka, PARTITIONS, 'dirty-in', 'dirty-out-60');
    const metrics = workload(20, 500, 6_000); // 10k metrics
    const producer = kafka.producer();
    await producer.connect();
    const corrupt = new Map<number, Buffer>();
    const badKeys = new Map<number, string>();
    const messages = metrics.map((m, i) => {
      let value = metricJsonSerde.serialize(m);
      let key = formatMetricKey(m);
      if (i % 100 === 37) {
        value =
          i % 200 === 37
            ? value.subarray(0, value.length - 7)
            : Buffer.from(`{"gateway":"${m.gateway}","value":"x"}`);
        corrupt.set(i, value);
      } else if (i % 500 === 211) {
        // The aggregator takes the series identity from the key: one it cannot parse is bad input.
        key = i % 1000 === 211 ? `${m.gateway}.${m.metricType}` : `${m.gateway}.STEAM.${m.metricAttribute}`;
        badKeys.set(i, key);
      }
      return { key, value };
    });
    for (let i = 0; i < messages.length; i += 5_000)
      await producer.send({ topic: 'dirty-in', messages: messages.slice(i, i + 5_000) });
    await producer.disconnect();
    await produceTicks(kafka, 'dirty-in', PARTITIONS, T0 + 10 * 86_400_000);
    expect(corrupt.size).toBe(100);
    expect(badKeys.size).toBe(20);

    const app = await aggregator('dirty-in', 'dirty-out-', 'dirty', 'a', 'at_least_once');
    try {
      await waitFor(
        'everything committed',
        async () => (await committedInput(kafka, 'dirty', 'dirty-in')) >= metrics.length + PARTITIONS,
        60_000,
      );
    } finally {
      await app.close();
    }

    const dlq: { key: string; value: Buffer; headers: Record<string, string> }[] = [];
    const consumer = kafka.consumer({ groupId: 'dlq-check' });
    await consumer.connect();
    // The pipeline's one dead-letter topic; this application's letters say so in a header.
    await consumer.subscribe({ topic: 'metrics-dlq', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        if (headers['error.application'] === 'dirty')
          dlq.push({ key: String(message.key), value: message.value!, headers });
      },
    });
    await waitFor('120 dead letters', () => dlq.length >= 120, 30_000);
    await consumer.disconnect();
    expect(dlq).toHaveLength(120);
    const originals = new Set([...corrupt.values()].map((b) => b.toString('base64')));
    const keyLetters = dlq.filter((letter) => letter.headers['error.part'] === 'key');
    expect(keyLetters.map((letter) => letter.key).sort()).toEqual([...badKeys.values()].sort());
    for (const letter of dlq) {
      expect(letter.headers['error.class']).toBe('DeserializationError');
      expect(letter.headers['error.topic']).toBe('dirty-in');
      expect(letter.headers['error.offset']).toMatch(/^\d+$/);
      if (letter.headers['error.part'] === 'key') {
        expect(letter.headers['error.reason']).toBe('malformed-key');
        expect(letter.headers['error.cause']).toMatch(
          /malformed metric key .*(expected <gateway>|unknown metric type "STEAM")/,
        );
        continue;
      }
      expect(letter.headers['error.part']).toBe('value');
      expect(originals.has(letter.value.toString('base64')), 'original bytes kept').toBe(true);
      expect(letter.headers['error.cause']).toMatch(/invalid JSON|must be a number|missing field/);
      expect(letter.headers['error.reason']).toBe('bad-encoding');
    }

    const good = metrics.filter((_, i) => !corrupt.has(i) && !badKeys.has(i));
    const reference = referenceAggregates(good, 60_000);
    const records = await readAggregates(kafka, 'dirty-out-60', {
      atLeast: reference.size,
      readUncommitted: true,
    });
    expectExactlyOnce(records, reference);
  }, 120_000);
});
