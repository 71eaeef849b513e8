import { CompressionTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { run } from './helpers/processes.js';

describe('log compaction', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker();
  });
  afterAll(async () => {
    await b.close();
  });

  it('keeps only the latest value per key and drops tombstoned keys, at their original offsets', async () => {
    const kafka = kafkaClient(b.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'changelog',
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '4096' },
          ],
        },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    const latest = new Map<string, { value: string | null; offset: number }>();
    let offset = 0;
    for (let round = 0; round < 5; round++) {
      const messages = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `k${i}-v${round}` }));
      // odd rounds gzip-compressed: compaction must read inside compressed batches too
      await producer.send({
        topic: 'changelog',
        compression: round % 2 ? CompressionTypes.GZIP : CompressionTypes.None,
        messages,
      });
      for (const m of messages) latest.set(m.key, { value: m.value, offset: offset++ });
    }
    // tombstones for k0..k9
    const tombstones = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: null }));
    await producer.send({ topic: 'changelog', messages: tombstones });
    for (const t of tombstones) latest.set(t.key, { value: null, offset: offset++ });
    await producer.disconnect();

    const result = await b.broker.topics.runCleanup({ rollActive: true });
    // 5 rounds × 40 = 200 values + 10 tombstones; 30 survive
    expect(result.recordsRemoved).toBe(210 - 30);

    const consumed = await run('kcat', [
      '-b',
      b.bootstrap,
      '-C',
      '-t',
      'changelog',
      '-e',
      '-f',
      '%o|%k|%s\n',
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    const rows = consumed.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('|'));
    const expected = [...latest]
      .filter(([, v]) => v.value !== null)
      .map(([k, v]) => `${v.offset}|${k}|${v.value}`)
      .sort();
    expect(rows.map((r) => r.join('|')).sort()).toEqual(expected);
    // the log end offset is unchanged: offsets are never reused
    expect(await admin.fetchTopicOffsets('changelog')).toEqual([
      { partition: 0, offset: String(offset), high: String(offset), low: '0' },
    ]);

    // kafkajs must step over the emptied batch at the end of the compacted range and see new data
    const after = kafka.producer();
    await after.connect();
    await after.send({ topic: 'changelog', messages: [{ key: 'fresh', value: 'after-compaction' }] });
    await after.disconnect();
    const consumer = kafka.consumer({ groupId: 'compaction-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'changelog', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push(`${message.key}=${message.value}`);
            if (seen.length === 31) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(seen[30]).toBe('fresh=after-compaction');
    await admin.disconnect();
  });

  it('kafkajs steps over emptied batches even when fetching one batch at a time', async () => {
    const kafka = kafkaClient(b.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'sparse',
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '1024' },
          ],
        },
      ],
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 30; i++) {
      await producer.send({ topic: 'sparse', messages: [{ key: `k${i % 3}`, value: `v${i}` }] });
    }
    await producer.disconnect();
    await b.broker.topics.runCleanup({ rollActive: true });
    // several segments now end in a batch emptied by compaction
    expect(b.broker.topics.partition('sparse', 0)!.segments.length).toBeGreaterThan(3);
    const consumer = kafka.consumer({ groupId: 'sparse-reader', maxBytesPerPartition: 10, maxBytes: 10 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'sparse', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push(String(message.value));
            if (seen.length === 3) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(seen).toEqual(['v27', 'v28', 'v29']);
  });

  it('survives a restart with the compacted segments', async () => {
    const dataDir = b.dataDir;
    await b.broker.close();
    const again = await startTestBroker({ dataDir });
    try {
      const consumed = await run('kcat', [
        '-b',
        again.bootstrap,
        '-C',
        '-t',
        'changelog',
        '-e',
        '-f',
        '%k=%s\n',
      ]);
      expect(consumed.code, consumed.stderr).toBe(0);
      expect(consumed.stdout.trim().split('\n').sort()).toEqual(
        [
          ...Array.from({ length: 30 }, (_, i) => `k${i + 10}=k${i + 10}-v4`),
          'fresh=after-compaction',
        ].sort(),
      );
    } finally {
      await again.close();
    }
  });
});
