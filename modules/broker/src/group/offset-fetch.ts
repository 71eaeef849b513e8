import { ErrorCode } from '../protocol/errors.js';
import type { OffsetStore } from './offset-store.js';
import { type FetchedOffset, splitPartitionKey } from './offset-types.js';

/**
 * OffsetFetch. `partitions` null asks for every partition the group has committed. With
 * `requireStable`, a partition with a transactional offset still pending answers
 * UNSTABLE_OFFSET_COMMIT so the client retries after the transaction ends.
 */
export function fetchCommittedOffsets(
  offsets: OffsetStore,
  groupId: string,
  partitions: { topic: string; partition: number }[] | null,
  requireStable: boolean,
): FetchedOffset[] {
  const wanted = partitions ?? [...offsets.all(groupId).keys()].map(splitPartitionKey);
  return wanted.map(({ topic, partition }) => {
    if (requireStable && offsets.hasPendingTxnOffset(groupId, topic, partition)) {
      return {
        topic,
        partition,
        offset: -1n,
        leaderEpoch: -1,
        metadata: '',
        errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
      };
    }
    const found = offsets.get(groupId, topic, partition);
    return {
      topic,
      partition,
      offset: found?.offset ?? -1n,
      leaderEpoch: found?.leaderEpoch ?? -1,
      metadata: found?.metadata ?? '',
      errorCode: ErrorCode.NONE,
    };
  });
}
