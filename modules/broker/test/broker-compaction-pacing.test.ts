import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';

/**
 * How a compaction pass shares the broker: it yields to the event loop while it decodes a large
 * log (a synchronous pass held a live aggregator's changelog broker silent for seconds), and a
 * partition is cleaned again only once min.cleanable.dirty.ratio of its closed bytes is new.
 */
describe('log compaction pacing', () => {
  let b: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  beforeAll(async () => {
    b = await startTestBroker();
    kafka = kafkaClient(b.bootstrap);
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await b?.close();
  });

  async function compactedTopic(topic: string, segmentBytes: number): Promise<void> {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: String(segmentBytes) },
            { name: 'min.cleanable.dirty.ratio', value: '0.5' },
          ],
        },
      ],
    });
  }

  /** Sends `rounds` batches of `perRound` records, keys `k<first + i % keys>`. */
  async function write(
    topic: string,
    rounds: number,
    perRound: number,
    keys: number,
    first = 0,
  ): Promise<void> {
    let n = 0;
    for (let round = 0; round < rounds; round++) {
      const messages = Array.from({ length: perRound }, () => {
        const key = `k${first + (n++ % keys)}`;
        return { key, value: `${key}-${round}` };
      });
      await producer.send({ topic, acks: -1, messages });
    }
  }

  it('answers requests while a pass decodes a large log', async () => {
    const topic = 'pacing-large';
    await compactedTopic(topic, 1024 * 1024);
    // 200,000 records over 1,000 keys: 20 times the records decoded between two yields, twice.
    await write(topic, 40, 5000, 1000);
    let cleanupDone = false;
    const cleanup = b.broker.topics.runCleanup({ rollActive: true }).then((result) => {
      cleanupDone = true;
      return result;
    });
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(1);
    // The metadata round trip needs a few turns of the event loop: it completed mid-pass.
    expect(cleanupDone).toBe(false);
    const result = await cleanup;
    expect(result.recordsRemoved).toBe(200_000 - 1000);
    const consumed = new Map<string, string>();
    const consumer = kafka.consumer({ groupId: `${topic}-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            consumed.set(message.key!.toString(), message.value!.toString());
            if (++seen === 1000) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    // Each key's latest value survives: key k<i> was last written in round 39.
    expect(consumed.size).toBe(1000);
    expect(consumed.get('k7')).toBe('k7-39');
  }, 120_000);

  it('cleans a partition again only once min.cleanable.dirty.ratio of its closed bytes is new', async () => {
    const topic = 'pacing-ratio';
    await compactedTopic(topic, 4096);
    // 2,000 distinct keys: a first (forced) pass keeps nearly every byte, so the clean part is large.
    await write(topic, 50, 40, 2000);
    await b.broker.topics.runCleanup({ rollActive: true });
    const partition = b.broker.topics.partition(topic, 0)!;
    const closedBytes = () => partition.segments.slice(0, -1).reduce((sum, s) => sum + s.size, 0);
    const cleanBytes = closedBytes();

    // A little new data superseding 200 keys: well under half of the closed bytes.
    await write(topic, 5, 40, 200);
    expect(closedBytes() - cleanBytes).toBeLessThan(cleanBytes);
    const skipped = await b.broker.topics.runCleanup();
    expect(skipped.recordsRemoved).toBe(0);

    // As much new data again as the clean part: now the pass runs and drops superseded records.
    await write(topic, 60, 40, 2000);
    const cleaned = await b.broker.topics.runCleanup();
    expect(cleaned.recordsRemoved).toBeGreaterThan(0);
  }, 120_000);
});
