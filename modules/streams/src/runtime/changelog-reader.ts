import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ChangelogRecord } from '../state/store.js';
import { readCommitMarker } from './commit-marker.js';

/** One changelog partition to replay into a store, from `from` (inclusive) to `to` (exclusive). */
export interface RestoreRequest {
  readonly topic: string;
  readonly partition: number;
  readonly from: number;
  readonly to: number;
  apply(records: readonly ChangelogRecord[]): void;
  /** Called with the input positions of each commit marker replayed (see commit-marker.ts). */
  onCommitMarker(positions: Record<string, number>): void;
}

/** Fetch rounds without any data for a partition after which it counts as fully read. */
const IDLE_FETCH_ROUNDS = 2;

/**
 * Replays changelog partitions with a short-lived consumer (read_committed, no commits).
 *
 * kafkajs has no `assign()`, so the reader joins a throw-away group, pauses partitions it was not
 * asked for and seeks the others to their start. A partition is done when a record at or past
 * `to - 1` was applied, or when it yields no data for two consecutive fetch rounds after the group
 * was joined: the offsets left before `to` then hold only transaction markers or aborted records,
 * which read_committed consumers never see.
 */
export async function restoreChangelogs(
  kafka: Kafka,
  groupId: string,
  requests: readonly RestoreRequest[],
  logger: Logger,
): Promise<number> {
  const pending = new Map(requests.filter((r) => r.from < r.to).map((r) => [`${r.topic}:${r.partition}`, r]));
  if (pending.size === 0) return 0;
  const idleRounds = new Map<string, number>([...pending.keys()].map((k) => [k, 0]));
  let restored = 0;
  let joined = false;
  const pendingRecords = new Map<string, ChangelogRecord[]>();
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    allowAutoTopicCreation: false,
  });
  let finish: () => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const complete = (key: string) => {
    const dropped = pendingRecords.get(key)?.length ?? 0;
    if (dropped)
      logger.warn({ changelog: key, records: dropped }, 'dropped changelog records of an incomplete commit');
    pending.delete(key);
    if (pending.size === 0) finish();
  };
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  consumer.on(consumer.events.FETCH, () => {
    if (!joined) return;
    for (const key of [...pending.keys()]) {
      const rounds = (idleRounds.get(key) ?? 0) + 1;
      idleRounds.set(key, rounds);
      if (rounds >= IDLE_FETCH_ROUNDS) complete(key);
    }
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));

  const started = performance.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set(requests.map((r) => r.topic))], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, pause }) => {
        const key = `${batch.topic}:${batch.partition}`;
        const request = pending.get(key);
        if (!request) {
          pause();
          return;
        }
        idleRounds.set(key, -1); // reset: data arrived in this round
        // Records are applied a commit at a time: those after the last marker belong to a commit
        // that never completed and are dropped (see commit-marker.ts).
        const uncommitted = pendingRecords.get(key) ?? [];
        let last = -1;
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          last = offset;
          if (offset < request.from || offset >= request.to || message.key === null) continue;
          const positions = readCommitMarker(message.headers, message.value);
          if (positions) {
            request.apply(uncommitted);
            restored += uncommitted.length;
            uncommitted.length = 0;
            request.onCommitMarker(positions);
          } else {
            uncommitted.push({ key: message.key, value: message.value });
          }
        }
        pendingRecords.set(key, uncommitted);
        if (last >= request.to - 1) {
          pause();
          complete(key);
        }
      },
    });
    for (const request of pending.values()) {
      consumer.seek({ topic: request.topic, partition: request.partition, offset: String(request.from) });
    }
    await done;
  } finally {
    await consumer.disconnect();
  }
  logger.info(
    { partitions: requests.length, records: restored, ms: Math.round(performance.now() - started) },
    'restored state from changelogs',
  );
  return restored;
}
