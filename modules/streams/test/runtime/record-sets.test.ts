import { type TestKafka, startTestKafka, waitFor } from '@meterstream/test-support';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputBuffer, nextOffsets } from '../../src/runtime/output-buffer.js';
import { RecordSetWriter } from '../../src/runtime/record-set-writer.js';

let stack: TestKafka;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  stack = await startTestKafka();
  ({ kafka, admin } = stack);
});
afterAll(() => stack?.close());

interface Written {
  key: string | null;
  value: string | null;
  timestamp: number;
  headers?: Record<string, string>;
}

/** Records with out-of-order timestamps (negative deltas), a delta past 32 bits, nulls and headers. */
function sample(prefix: string, n: number): Written[] {
  const base = 1_764_000_000_000;
  return Array.from({ length: n }, (_, i) => ({
    key: i === 3 ? null : `${prefix}-k${i}`,
    value: i === 5 ? null : `${prefix}-v${i}-${'x'.repeat(i % 17)}`,
    timestamp: i === 7 ? base - 5_000_000_000 : base + ((i * 7919) % 1000) - 500,
    ...(i % 4 === 1 ? { headers: { h: `${i}`, second: 'yes' } } : {}),
  }));
}

function writerOf(records: Written[], maxBytes?: number): RecordSetWriter {
  const writer = new RecordSetWriter(maxBytes, 64);
  for (const r of records) {
    writer.append(
      r.key === null ? null : Buffer.from(r.key),
      r.value === null ? null : Buffer.from(r.value),
      r.timestamp,
      Object.entries(r.headers ?? {}).map(([key, value]) => ({ key, value: Buffer.from(value) })),
    );
  }
  return writer;
}

async function readAll(topic: string, count: number, readUncommitted = false): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `${topic}-reader-${readUncommitted}`, readUncommitted });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      got.push(message);
    },
  });
  try {
    await waitFor(`${count} records of ${topic}`, () => got.length >= count);
  } finally {
    await consumer.disconnect();
  }
  return got;
}

function asWritten(m: KafkaMessage): Written {
  const headers = Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)] as const);
  return {
    key: m.key === null ? null : m.key.toString(),
    value: m.value === null ? null : m.value.toString(),
    timestamp: Number(m.timestamp),
    ...(headers.length ? { headers: Object.fromEntries(headers) } : {}),
  };
}

describe('RecordSetWriter', () => {
  it('cuts sets at the byte bound, keeping order, counts and timestamps per set', () => {
    const records = sample('cut', 40);
    const sets = writerOf(records, 300).take();
    expect(sets.length).toBeGreaterThan(1);
    expect(sets.reduce((n, s) => n + s.count, 0)).toBe(40);
    let at = 0;
    for (const set of sets) {
      const mine = records.slice(at, at + set.count);
      at += set.count;
      expect(set.firstTimestamp).toBe(mine[0]!.timestamp);
      expect(set.maxTimestamp).toBe(Math.max(...mine.map((r) => r.timestamp)));
    }
  });

  it('is empty after take()', () => {
    const writer = writerOf(sample('empty', 3));
    expect(writer.size).toBe(3);
    expect(writer.take()).toHaveLength(1);
    expect(writer.size).toBe(0);
    expect(writer.take()).toEqual([]);
  });
});

describe('pre-encoded record sets through the patched kafkajs producer', () => {
  it('a plain producer writes them as the records they hold, at the offsets its acks imply', async () => {
    const topic = 'sets-plain';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const output = new OutputBuffer(new Map([[topic, 2]]));
    const records = sample('plain', 25);
    for (const r of records)
      output.logChange(
        topic,
        1,
        Buffer.from(r.key ?? ''),
        r.value === null ? null : Buffer.from(r.value),
        r.timestamp,
      );
    output.commitMarker(topic, 1, { input: 42 }, records[0]!.timestamp);
    const sends = output.drain();
    expect(sends).toHaveLength(1);
    const producer = kafka.producer({ maxInFlightRequests: 1 });
    expect((producer as unknown as { encodedRecordSets?: boolean }).encodedRecordSets).toBe(true);
    await producer.connect();
    const acks = await producer.sendBatch({ topicMessages: sends[0]!, acks: -1 });
    await producer.disconnect();
    expect(nextOffsets(sends[0]!, acks).get(`${topic}:1`)).toBe(26);
    const got = await readAll(topic, 26, true);
    expect(got.map((m) => Number(m.offset))).toEqual(Array.from({ length: 26 }, (_, i) => i));
    expect(got.slice(0, 25).map(asWritten)).toEqual(
      records.map((r) => ({ ...r, key: r.key ?? '', headers: undefined })).map(stripUndefined),
    );
    const marker = asWritten(got[25]!);
    expect(marker.headers).toEqual({ 'meterstream.commit': '1' });
    expect(JSON.parse(marker.value!)).toEqual({ input: 42 });
  });

  it('an idempotent transactional producer keeps its sequence: sets, then messages, then sets again', async () => {
    const topic = 'sets-txn';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer({
      transactionalId: 'sets-txn-producer',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const first = sample('a', 30);
    const second = sample('c', 300);
    const txn = await producer.transaction();
    // Two sets in a row (cut at 1 KiB), each its own send as the runtime sends them.
    for (const set of writerOf(first, 1024).take())
      await txn.sendBatch({
        topicMessages: [{ topic, messages: [{ partition: 0, key: null, value: null, encodedRecords: set }] }],
      } as never);
    await txn.send({
      topic,
      messages: [{ partition: 0, key: 'b', value: 'plain', timestamp: '1764000000000' }],
    });
    for (const set of writerOf(second).take())
      await txn.sendBatch({
        topicMessages: [{ topic, messages: [{ partition: 0, key: null, value: null, encodedRecords: set }] }],
      } as never);
    await txn.commit();
    await producer.disconnect();
    // read_committed: the transaction's records, each once, in order (a wrong sequence would have
    // been refused by the broker as out of order).
    const got = await readAll(topic, 331);
    expect(got.map(asWritten)).toEqual(
      [...first, { key: 'b', value: 'plain', timestamp: 1_764_000_000_000 }, ...second].map(stripUndefined),
    );
  });
});

function stripUndefined(r: Written): Written {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as Written;
}
