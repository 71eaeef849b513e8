/**
 * Why a commit failed, as Kafka Streams tells them apart:
 * - `task-migrated`: the consumer group moved on (a rebalance this instance has not joined yet, or
 *   it was removed from the group). The broker refused the offsets because they carry a stale
 *   generation or member (KIP-447); the tasks may be someone else's by now.
 * - `producer-fenced`: the transactional producer can no longer commit — a newer instance with the
 *   same transactional id bumped its epoch, or the broker aborted its transaction past the
 *   transaction timeout. It must be replaced.
 * - `other`: anything else (a broker restarting, a network error): abort and retry from Kafka's state.
 */
export type CommitFailure = 'task-migrated' | 'producer-fenced' | 'other';

const MIGRATED = new Set([
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
  'REBALANCE_IN_PROGRESS',
]);
const FENCED = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_ID_MAPPING',
  'INVALID_TXN_STATE',
]);

/** Classifies a kafkajs error, looking through the wrappers kafkajs puts around protocol errors. */
export function classifyCommitFailure(error: unknown): CommitFailure {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string') {
      if (MIGRATED.has(type)) return 'task-migrated';
      if (FENCED.has(type)) return 'producer-fenced';
    }
    current =
      (current as { cause?: unknown; originalError?: unknown }).cause ??
      (current as { originalError?: unknown }).originalError;
  }
  return 'other';
}
