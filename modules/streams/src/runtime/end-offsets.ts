import type { StreamsAdmin } from './kafka-client.js';

/** Where a partition ends for each isolation level. */
export interface PartitionEnd {
  /** Last stable offset: read_committed consumers read up to here (ListOffsets isolation_level=1). */
  readonly stable: number;
  /** High watermark (isolation_level=0). Above `stable` while a transaction is open on the partition. */
  readonly high: number;
}

const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

/**
 * Both ends of every partition of `topic`: the high watermark first, then the last stable offset.
 * In that order, `stable >= high` means every record written before the first answer is decided
 * (committed or aborted) — no transaction that was open then is still open.
 */
export async function partitionEnds(admin: StreamsAdmin, topic: string): Promise<Map<number, PartitionEnd>> {
  const high = await withRetries(() => admin.fetchTopicOffsets(topic, { isolationLevel: READ_UNCOMMITTED }));
  const stable = await withRetries(() => admin.fetchTopicOffsets(topic, { isolationLevel: READ_COMMITTED }));
  const highs = new Map(high.map((o) => [o.partition, Number(o.high)]));
  return new Map(
    stable.map((o) => {
      const lso = Number(o.high);
      return [o.partition, { stable: lso, high: Math.max(lso, highs.get(o.partition) ?? lso) }];
    }),
  );
}

const ATTEMPTS = 5;

/**
 * kafkajs' admin answers "Topic metadata not loaded" (KafkaJSTopicMetadataNotLoaded) when its
 * metadata was dropped, e.g. after its connection broke while the process was stalled; the next
 * call reloads it. Other retriable kafkajs errors are retried too, a few times.
 */
async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const { name, retriable } = error as { name?: string; retriable?: boolean };
      const transient = name === 'KafkaJSTopicMetadataNotLoaded' || retriable === true;
      if (!transient || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
