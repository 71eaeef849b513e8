import { testLogger, waitFor } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@meterstream/broker';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSinkLoop } from '../src/apps/cassandra-writer-loop.js';

const CHUNK = 20;
const RECORDS = 3 * CHUNK;
let dataDir: string;
let broker: RunningBroker;
let kafka: Kafka;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sink-loop-pipelining-'));
  broker = await startBroker({ port: 0, dataDir, logger: testLogger('broker') });
  kafka = new Kafka({
    brokers: [`127.0.0.1:${broker.port}`],
    clientId: 'pipelining-test',
    logLevel: logLevel.NOTHING,
  });
});

afterAll(async () => {
  await broker.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function committed(admin: ReturnType<Kafka['admin']>, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Math.max(0, Number(offsets!.partitions[0]!.offset));
}

describe('sink loop pipelining (real broker over TCP)', () => {
  it('decodes the next chunk while a write is in flight, and commits each chunk only after its write', async () => {
    const topic = 'pipelined';
    const groupId = 'pipelining-sink';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i}`, value: String(i) })),
    });
    await producer.disconnect();

    const decoded: number[] = [];
    /** Per write, in order: its first record, whether chunk i+1 was decoded meanwhile, the commit at its start. */
    const writes: { first: number; nextDecodedDuringWrite: boolean; committedAtStart: number }[] = [];
    let acknowledged = 0;
    const sink = await runSinkLoop<number>({
      kafka,
      groupId,
      topics: [topic],
      logger: testLogger('sink'),
      chunkSize: CHUNK,
      decode: (message) => {
        decoded.push(Number(message.offset));
        return Number(message.value!.toString());
      },
      write: async (values) => {
        const first = values[0]!;
        const committedAtStart = await committed(admin, groupId, topic);
        // Hold the write until the next chunk's first record was decoded (at most 3 s): a loop that
        // decodes only after the write is acknowledged never gets there.
        const nextFirst = first + CHUNK;
        const deadline = Date.now() + 3000;
        while (nextFirst < RECORDS && !decoded.includes(nextFirst) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
        }
        writes.push({ first, nextDecodedDuringWrite: decoded.includes(nextFirst), committedAtStart });
        acknowledged = first + values.length;
      },
    });
    try {
      await waitFor(
        'every record committed',
        async () => (await committed(admin, groupId, topic)) === RECORDS,
        20_000,
      );
      expect(acknowledged).toBe(RECORDS);
      expect(writes.map((w) => w.first)).toEqual([0, CHUNK, 2 * CHUNK]); // one write at a time, in order
      // Overlap: chunks 2 and 3 were decoded while chunks 1 and 2 were being written.
      expect(writes.slice(0, 2).map((w) => w.nextDecodedDuringWrite)).toEqual([true, true]);
      // Commit after acknowledgement: when write k starts, exactly the k chunks before it are committed.
      expect(writes.map((w) => w.committedAtStart)).toEqual([0, CHUNK, 2 * CHUNK]);
    } finally {
      await sink.stop();
      await admin.disconnect();
    }
  }, 30_000);
});
