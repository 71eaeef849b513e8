import { CompressionTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';

const TOTAL = 100_000;
const PER_SEND = 5_000;
const KEYS = 997;

describe('kafkajs round trip through the broker', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker();
  });
  afterAll(async () => {
    await b.close();
  });

  it('100k keyed records with headers and gzip through 4 partitions come back complete and in order', async () => {
    const kafka = kafkaClient(b.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'roundtrip', numPartitions: 4 }] });

    const producer = kafka.producer();
    await producer.connect();
    for (let start = 0; start < TOTAL; start += PER_SEND) {
      const messages = [];
      for (let i = start; i < start + PER_SEND; i++) {
        messages.push({
          key: `meter-${i % KEYS}`,
          value: `reading ${i}`,
          headers: { seq: String(i), src: 'test' },
        });
      }
      await producer.send({ topic: 'roundtrip', acks: -1, compression: CompressionTypes.GZIP, messages });
    }
    await producer.disconnect();

    const offsets = await admin.fetchTopicOffsets('roundtrip');
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(TOTAL);
    expect(offsets.filter((o) => Number(o.high) > 0).length).toBe(4);

    const consumer = kafka.consumer({ groupId: 'roundtrip-reader', maxBytesPerPartition: 4 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'roundtrip', fromBeginning: true });
    const seqsByPartition = new Map<number, number[]>();
    const partitionOfKey = new Map<string, number>();
    let received = 0;
    let badHeaders = 0;
    let keyOnTwoPartitions = 0;
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            const list = seqsByPartition.get(batch.partition) ?? [];
            seqsByPartition.set(batch.partition, list);
            for (const m of batch.messages) {
              const seq = Number(m.headers?.seq?.toString());
              if (m.value?.toString() !== `reading ${seq}` || m.headers?.src?.toString() !== 'test')
                badHeaders++;
              const key = m.key!.toString();
              const seen = partitionOfKey.get(key);
              if (seen !== undefined && seen !== batch.partition) keyOnTwoPartitions++;
              partitionOfKey.set(key, batch.partition);
              list.push(seq);
              received++;
            }
            if (received >= TOTAL) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    await admin.disconnect();

    expect(received).toBe(TOTAL);
    expect(badHeaders).toBe(0);
    expect(keyOnTwoPartitions).toBe(0);
    const all = new Set<number>();
    for (const [partition, seqs] of seqsByPartition) {
      // one producer sent in order, so each partition must hold increasing sequence numbers
      const outOfOrder = seqs.filter((s, i) => i > 0 && s <= seqs[i - 1]).length;
      expect(outOfOrder, `partition ${partition}`).toBe(0);
      for (const s of seqs) all.add(s);
    }
    expect(all.size).toBe(TOTAL);
  });
});
