import type { Admin } from 'kafkajs';

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
export async function partitionEnds(admin: Admin, topic: string): Promise<Map<number, PartitionEnd>> {
  const high = await admin.fetchTopicOffsets(topic, { isolationLevel: READ_UNCOMMITTED });
  const stable = await admin.fetchTopicOffsets(topic, { isolationLevel: READ_COMMITTED });
  const highs = new Map(high.map((o) => [o.partition, Number(o.high)]));
  return new Map(
    stable.map((o) => {
      const lso = Number(o.high);
      return [o.partition, { stable: lso, high: Math.max(lso, highs.get(o.partition) ?? lso) }];
    }),
  );
}
