import { testLogger, waitFor } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@meterstream/broker';
import { type ConsumedBatch, KafkaStreams, Materialized, Serdes, StreamsBuilder } from '@meterstream/streams';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const str = Serdes.string();
const serdes = { keySerde: str, valueSerde: str };
const testLog = testLogger();

let broker: RunningBroker;
let dataDir: string;
let kafka: Kafka;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ms-iq-'));
  broker = await startBroker({ port: 0, dataDir, logger: testLog });
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'test', logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await broker?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function createTopics(topics: Record<string, number>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: Object.entries(topics).map(([topic, numPartitions]) => ({ topic, numPartitions })),
  });
  await admin.disconnect();
}

async function produce(
  topic: string,
  messages: { key: string; value: string; partition?: number }[],
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

async function untilRunning(streams: KafkaStreams): Promise<void> {
  await streams.start();
  await waitFor('RUNNING', () => streams.state() === 'RUNNING');
}

describe('KafkaStreams.store(): a store read across every task', () => {
  it('reads the counts of both partitions, cached and downstream ones included, and sees each batch first in beforeBatch', async () => {
    await createTopics({ 'iq-in': 2 });
    const b = new StreamsBuilder();
    b.stream<string, string>('iq-in', serdes)
      .groupByKey()
      .count(Materialized.as('counts'))
      // Materialized after the (cached) count: it only sees what the count's cache flushes.
      .filter(() => true, Materialized.as('latest'));
    const seen: ConsumedBatch[] = [];
    const streams = new KafkaStreams(b.build(), {
      applicationId: 'iq-app',
      kafka,
      // No commit (which would flush the caches) during the test.
      commitIntervalMs: 600_000,
      logger: testLog,
      beforeBatch: async (values, batch) => {
        expect(values).toEqual(batch.messages.map((m) => m.value));
        seen.push({ topic: batch.topic, partition: batch.partition, messages: [...batch.messages] });
      },
    });
    try {
      await untilRunning(streams);
      await produce('iq-in', [
        { key: 'a', value: '1', partition: 0 },
        { key: 'a', value: '2', partition: 0 },
        { key: 'b', value: '3', partition: 1 },
        { key: 'c', value: '4', partition: 1 },
        { key: 'c', value: '5', partition: 1 },
        { key: 'c', value: '6', partition: 1 },
      ]);
      await waitFor('6 records processed', () => streams.taskMetrics().processed === 6);

      const latest = await streams.store<string, { value: number } | number>('latest');
      const counts = (s: typeof latest) =>
        Object.fromEntries(
          s
            .all()
            .toArray()
            .map(({ key, value }) => [key, typeof value === 'number' ? value : value.value]),
        );
      expect(counts(latest)).toEqual({ a: 2, b: 1, c: 3 });
      const c = latest.get('c');
      expect(typeof c === 'number' ? c : c?.value).toBe(3);
      expect(latest.get('z')).toBeUndefined();
      expect(latest.approximateNumEntries()).toBe(3);
      expect(
        latest
          .range('b', 'c')
          .toArray()
          .map((e) => e.key)
          .sort(),
      ).toEqual(['b', 'c']);
      // The cached aggregation store itself reads through its cache.
      expect(counts(await streams.store('counts'))).toEqual({ a: 2, b: 1, c: 3 });

      // Every record was handed to beforeBatch (with its topic, partition, key and value).
      const handed = seen.flatMap((batch) =>
        batch.messages.map((m) => `${batch.topic}/${batch.partition}/${m.key}=${m.value}`),
      );
      expect(handed.sort()).toEqual([
        'iq-in/0/a=1',
        'iq-in/0/a=2',
        'iq-in/1/b=3',
        'iq-in/1/c=4',
        'iq-in/1/c=5',
        'iq-in/1/c=6',
      ]);
      await expect(streams.store('no-such-store')).rejects.toThrow('no such store');
    } finally {
      await streams.close();
    }
    await expect(streams.store('latest')).rejects.toThrow('NOT_RUNNING');
  });
});

describe('KafkaStreams.store() while the processing chain is busy (#18)', () => {
  it('answers without waiting for the batch in progress, downstream of a cached aggregation, with every record processed before the call', async () => {
    await createTopics({ 'busy-in': 1 });
    const b = new StreamsBuilder();
    b.stream<string, string>('busy-in', serdes)
      .groupByKey()
      .count(Materialized.as('busy-counts'))
      .filter(() => true, Materialized.as('busy-latest'));
    // While `gate` is set, the next batch's beforeBatch holds the processing chain.
    let gate: Promise<void> | undefined;
    let open = (): void => undefined;
    let held = false;
    const streams = new KafkaStreams(b.build(), {
      applicationId: 'busy-app',
      kafka,
      commitIntervalMs: 600_000,
      logger: testLog,
      beforeBatch: async () => {
        if (!gate) return;
        held = true;
        await gate;
      },
    });
    const counts = (view: Awaited<ReturnType<typeof streams.store<string, { value: number } | number>>>) =>
      Object.fromEntries(
        view
          .all()
          .toArray()
          .map(({ key, value }) => [key, typeof value === 'number' ? value : value.value]),
      );
    try {
      await untilRunning(streams);
      await produce('busy-in', [
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
        { key: 'b', value: '3' },
      ]);
      await waitFor('3 records processed', () => streams.taskMetrics().processed === 3);
      gate = new Promise((resolve) => {
        open = resolve;
      });
      await produce('busy-in', [{ key: 'a', value: '4' }]);
      await waitFor('the next batch to hold the chain', () => held);

      // The chain is held by the batch in progress: store() must not wait for it (it would never
      // resolve before the gate opens), yet shows the three records processed before the call,
      // also in the store materialized after the cached count.
      const latest = await streams.store<string, { value: number } | number>('busy-latest');
      expect(counts(latest)).toEqual({ a: 2, b: 1 });
      expect(counts(await streams.store('busy-counts'))).toEqual({ a: 2, b: 1 });
      expect(streams.taskMetrics().processed).toBe(3);

      open();
      await waitFor('the held record processed', () => streams.taskMetrics().processed === 4);
      expect(counts(await streams.store('busy-latest'))).toEqual({ a: 3, b: 1 });
    } finally {
      open();
      await streams.close();
    }
  });
});

describe('KafkaStreams: autoOffsetReset latest, pause() and resume()', () => {
  it('skips what was written before it first ran, and takes no input while paused', async () => {
    await createTopics({ 'pause-in': 1 });
    await produce('pause-in', [{ key: 'k', value: 'old' }]);
    const values: string[] = [];
    const b = new StreamsBuilder();
    b.stream<string, string>('pause-in', serdes).foreach((_k, v) => void values.push(v));
    const streams = new KafkaStreams(b.build(), {
      applicationId: 'pause-app',
      kafka,
      autoOffsetReset: 'latest',
      logger: testLog,
    });
    try {
      await untilRunning(streams);
      // The consumer resolves `latest` on its first fetch after the assignment: write until one arrives.
      for (let i = 0; values.length === 0; i++) {
        await produce('pause-in', [{ key: 'k', value: `new-${i}` }]);
        await new Promise((r) => setTimeout(r, 200));
        if (i > 100) throw new Error('no record processed');
      }
      expect(values).not.toContain('old');

      streams.pause();
      // Past the fetch that may be in flight (its wait is 500 ms).
      await new Promise((r) => setTimeout(r, 1_500));
      const before = values.length;
      await produce('pause-in', [{ key: 'k', value: 'while-paused' }]);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(values.length).toBe(before);
      expect(streams.state()).toBe('RUNNING');

      streams.resume();
      await waitFor('the record written while paused', () => values.includes('while-paused'));
    } finally {
      await streams.close();
    }
  });
});
