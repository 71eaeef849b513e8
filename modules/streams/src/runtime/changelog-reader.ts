import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ChangelogRecord } from '../state/state-store.js';
import { readCommitMarker } from './commit-marker.js';
import type { PartitionEnd } from './end-offsets.js';

/** One changelog partition to replay into a store, from `from` (inclusive) to its end. */
export interface RestoreRequest {
  readonly topic: string;
  readonly partition: number;
  readonly from: number;
  apply(records: readonly ChangelogRecord[]): void;
  /** Called with the input positions of each commit marker replayed (see commit-marker.ts). */
  onCommitMarker(positions: Record<string, number>): void;
}

export interface RestoreOptions {
  /** Current ends of a changelog topic's partitions (last stable offset and high watermark). */
  ends(topic: string): Promise<ReadonlyMap<number, PartitionEnd>>;
  /** How often ends are read again while a partition waits. */
  pollMs?: number;
  /**
   * Bound on the wait for an open transaction on a changelog partition to end. The broker aborts a
   * transaction past its timeout (the runtime's producers use 10 s), so this is only hit when a
   * producer with a very long transaction timeout keeps one open.
   */
  maxWaitMs?: number;
}

export interface RestoreResult {
  /** Records applied to stores. */
  records: number;
  /** Per `topic:partition`, the end the partition was restored to (its next offset). */
  ends: Map<string, number>;
}

/** A restore that could not finish: a transaction kept the changelog partition unstable too long. */
export class RestoreTimeoutError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly end: PartitionEnd,
    readonly position: number,
    waitedMs: number,
  ) {
    super(
      `restoring ${topic}[${partition}] did not complete within ${waitedMs} ms: position ${position}, ` +
        `last stable offset ${end.stable}, high watermark ${end.high} (a transaction stays open on it)`,
    );
    this.name = 'RestoreTimeoutError';
  }
}

/**
 * Replays changelog partitions with a short-lived consumer (read_committed, no commits).
 *
 * A partition is restored when the consumer's position has reached its end **and** no transaction
 * is open on it: the end is the last stable offset (what read_committed sees) read while it equals
 * the high watermark. While a transaction is open (LSO < high watermark) the restore waits for it
 * to be committed — its records are then replayed — or aborted (by its producer, by a new instance
 * of that producer, or by the broker past the transaction timeout); restoring to the LSO instead
 * would miss whatever that transaction commits later.
 *
 * The position counts offsets a read_committed consumer never delivers (transaction markers,
 * aborted records): kafkajs reports each fetched batch's last offset, filtered or not, in its
 * START_BATCH_PROCESS event.
 *
 * kafkajs has no `assign()`, so the reader joins a throw-away group, pauses partitions it was not
 * asked for and seeks the others to their start.
 */
export async function restoreChangelogs(
  kafka: Kafka,
  groupId: string,
  requests: readonly RestoreRequest[],
  logger: Logger,
  options: RestoreOptions,
): Promise<RestoreResult> {
  const pollMs = options.pollMs ?? 100;
  const maxWaitMs = options.maxWaitMs ?? 300_000;
  const keyOf = (topic: string, partition: number) => `${topic}:${partition}`;
  const requestsByKey = new Map(requests.map((r) => [keyOf(r.topic, r.partition), r]));
  const topics = [...new Set(requests.map((r) => r.topic))];
  const ends = new Map<string, number>();
  /** Next offset to read per partition (advanced by every fetched batch, filtered ones included). */
  const positions = new Map(requests.map((r) => [keyOf(r.topic, r.partition), r.from]));
  const pendingRecords = new Map<string, ChangelogRecord[]>();
  const waitingSince = new Map<string, number>();
  const started = performance.now();
  let restored = 0;

  /** Partitions still to read; a partition is done when its position reached a stable end. */
  const pending = new Set<string>();
  const check = async (): Promise<void> => {
    const topicEnds = new Map<string, ReadonlyMap<number, PartitionEnd>>();
    for (const topic of topics) topicEnds.set(topic, await options.ends(topic));
    for (const key of [...(pending.size ? pending : requestsByKey.keys())]) {
      const request = requestsByKey.get(key)!;
      const end = topicEnds.get(request.topic)?.get(request.partition) ?? { stable: 0, high: 0 };
      const position = positions.get(key)!;
      if (end.stable === end.high && position >= end.stable) {
        complete(key, end.stable);
        continue;
      }
      pending.add(key);
      if (end.stable < end.high) {
        const since = waitingSince.get(key);
        if (since === undefined) {
          waitingSince.set(key, performance.now());
          logger.info(
            { changelog: key, lastStableOffset: end.stable, highWatermark: end.high, position },
            'restore waits for an open transaction on the changelog to be committed or aborted',
          );
        } else if (performance.now() - since > maxWaitMs) {
          throw new RestoreTimeoutError(request.topic, request.partition, end, position, maxWaitMs);
        }
      } else {
        waitingSince.delete(key);
      }
    }
  };
  const complete = (key: string, end: number) => {
    const dropped = pendingRecords.get(key)?.length ?? 0;
    if (dropped)
      logger.warn({ changelog: key, records: dropped }, 'dropped changelog records of an incomplete commit');
    pendingRecords.delete(key);
    pending.delete(key);
    ends.set(key, Math.max(end, positions.get(key)!));
  };

  await check();
  if (pending.size === 0) return { records: 0, ends };
  logger.info({ changelogs: [...pending].sort() }, 'restoring state from changelogs');

  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    // A restarted instance's restore consumer joins the same group: a killed one's member must
    // leave it soon (Kafka's group.min.session.timeout.ms is 6 s).
    sessionTimeout: 6_000,
    heartbeatInterval: 1_000,
    allowAutoTopicCreation: false,
  });
  let crashed: unknown;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    crashed = payload.error;
  });
  const advance = (key: string, lastOffset: string) => {
    const next = Number(lastOffset) + 1;
    if (pending.has(key) && next > positions.get(key)!) positions.set(key, next);
  };
  // Batches whose records were all filtered out (markers, aborted records) never reach eachBatch.
  consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize === 0) advance(keyOf(payload.topic, payload.partition), payload.lastOffset);
  });

  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, pause }) => {
        const key = keyOf(batch.topic, batch.partition);
        const request = requestsByKey.get(key);
        if (!request || !pending.has(key)) {
          pause();
          return;
        }
        // Records are applied a commit at a time: those after the last marker belong to a commit
        // that never completed and are dropped (see commit-marker.ts).
        const uncommitted = pendingRecords.get(key) ?? [];
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset < request.from || message.key === null) continue;
          const commitPositions = readCommitMarker(message.headers, message.value);
          if (commitPositions) {
            request.apply(uncommitted);
            restored += uncommitted.length;
            uncommitted.length = 0;
            request.onCommitMarker(commitPositions);
          } else {
            uncommitted.push({ key: message.key, value: message.value });
          }
        }
        pendingRecords.set(key, uncommitted);
        // After the records are applied: check() may declare the partition done from here on.
        advance(key, batch.lastOffset());
      },
    });
    for (const key of pending) {
      const request = requestsByKey.get(key)!;
      consumer.seek({ topic: request.topic, partition: request.partition, offset: String(request.from) });
    }
    while (pending.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      if (crashed) throw crashed;
      await check();
      const done = requests.filter((r) => !pending.has(keyOf(r.topic, r.partition)));
      if (done.length) {
        const byTopic = new Map<string, number[]>();
        for (const r of done) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r.partition]);
        consumer.pause([...byTopic].map(([topic, partitions]) => ({ topic, partitions })));
      }
    }
  } finally {
    await consumer.disconnect();
  }
  logger.info(
    { partitions: requests.length, records: restored, ms: Math.round(performance.now() - started) },
    'restored state from changelogs',
  );
  return { records: restored, ends };
}
