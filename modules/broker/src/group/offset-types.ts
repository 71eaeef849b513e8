/** One committed (or transactionally pending) offset of a group for a partition. */
export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface PartitionOffsetResult {
  topic: string;
  partition: number;
  errorCode: number;
}

export interface FetchedOffset extends PartitionOffsetResult {
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export function splitPartitionKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}
