import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';

export interface ReadRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
}

/**
 * Every committed record of partition 0 of `topic`, read with a read_committed consumer of its
 * own (what a restarting server would see), once its position passed the last stable offset.
 */
export async function readCommitted(kafka: Kafka, admin: Admin, topic: string): Promise<ReadRecord[]> {
  const [stable] = await admin.fetchTopicOffsets(topic, { isolationLevel: 1 });
  const end = Number(stable?.high ?? 0);
  const records: ReadRecord[] = [];
  if (end === 0) return records;
  const consumer = kafka.consumer({
    groupId: `test-reader-${randomUUID()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  });
  let position = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const advance = (next: number) => {
    if (next > position) position = next;
    if (position >= end) done();
  };
  consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize === 0) advance(Number(payload.lastOffset) + 1);
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset >= end || records.some((r) => r.offset === offset)) continue;
          records.push({ offset, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null });
        }
        advance(Number(batch.lastOffset()) + 1);
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.offset - b.offset);
}
