import {
  DEAD_LETTER_TOPIC,
  DEFAULT_SINK_RETRY_POLICY,
  DeserializationError,
  type Logger,
  SINK_ALERTS_TOPIC,
  SINK_WRITE_FAILED,
  type SinkAlert,
  SinkFailureTracker,
  type SinkRetryPolicy,
  SinkWriteError,
  onControlRecordsOnly,
  retryWithBackoff,
  sinkFailureHeaders,
} from '@meterstream/common';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import type { SinkLoopMetrics } from './cassandra-writer-metrics.js';

/**
 * The consume → effect → commit loop shared by the Cassandra writer and the Redis view sink (named
 * after the writer only because of file ownership; a neutral `sink-loop.ts` would suit it better).
 *
 * Per partition batch, in chunks: decode every record; records that fail with DeserializationError
 * go to `metrics-dlq` (the pipeline's one dead-letter topic) with their original key, value and
 * headers plus the error headers (reason, part, source topic/partition/offset, group id); the good
 * records go to `write` (the durable effect); only after both are acknowledged is the chunk's last
 * offset resolved and committed. A crash anywhere before the commit re-delivers the chunk, and the
 * effects are idempotent upserts, so nothing is lost and duplicates are harmless.
 *
 * A failing `write` is retried (`retry`, common's sink-failure.ts: 3 retries with backoff); when it
 * still fails, the chunk's good records go to the dead-letter topic with `error.reason:
 * sink-write-failed` and the last error, and the chunk is committed: one endpoint outage does not
 * stall the partition for ever, and the dead letters can be replayed once it is back. After
 * `alertAfterFailures` consecutive given-up chunks a `sink-failing` event goes to `meter-alerts`
 * (once), and `sink-recovered` after the next successful write.
 */
export interface SinkLoopOptions<T> {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  /** Turns one record into a value; throw DeserializationError for bad input (→ dead-letter topic). */
  decode(message: KafkaMessage, topic: string, partition: number): T | Promise<T>;
  /** Makes the values durable; must be idempotent. A rejection stops the chunk before its commit. */
  write(values: T[], topic: string, partition: number): Promise<void>;
  /** Records per write. Default 2000. */
  chunkSize?: number;
  /** Partitions processed at the same time by one instance. Default 4. */
  partitionsConsumedConcurrently?: number;
  /** Group session timeout: how soon a crashed instance's partitions move to the others. Default 30 s. */
  sessionTimeoutMs?: number;
  /** Prometheus metrics to update, if any. */
  metrics?: SinkLoopMetrics;
  /** Dead-letter topic of a source topic. Default `metrics-dlq` for every topic. */
  deadLetterTopic?(topic: string): string;
  /** Retries and alerting of failed writes. Default DEFAULT_SINK_RETRY_POLICY. */
  retry?: Partial<SinkRetryPolicy>;
  /** Where sink alerts go. Default `meter-alerts`. */
  alertsTopic?: string;
}

export interface SinkStats {
  /** Good records written (re-deliveries count again). */
  written: number;
  deadLettered: number;
  chunks: number;
  /** Good records given up to the dead-letter topic after the write's retries (also in deadLettered). */
  writeFailed: number;
}

export interface RunningSink {
  stats: SinkStats;
  /** Finishes the current chunk, commits, leaves the group, disconnects. */
  stop(): Promise<void>;
}

export async function runSinkLoop<T>(options: SinkLoopOptions<T>): Promise<RunningSink> {
  const { kafka, logger } = options;
  const chunkSize = options.chunkSize ?? 2000;
  const dlqOf = options.deadLetterTopic ?? (() => DEAD_LETTER_TOPIC);
  const stats: SinkStats = { written: 0, deadLettered: 0, chunks: 0, writeFailed: 0 };
  const retry: SinkRetryPolicy = { ...DEFAULT_SINK_RETRY_POLICY, ...options.retry };
  const alertsTopic = options.alertsTopic ?? SINK_ALERTS_TOPIC;
  const failures = new SinkFailureTracker(options.groupId, retry.alertAfterFailures);

  const admin = kafka.admin();
  await admin.connect();
  try {
    // Create the dead-letter topics up front, so a bad record never depends on auto-creation
    // (only the missing ones: kafkajs logs "already exists" answers at error level).
    const existing = new Set(await admin.listTopics());
    // Several source topics share one dead-letter topic (metrics-dlq): create it once.
    const missing = [...new Set([...options.topics.map(dlqOf), alertsTopic])].filter(
      (topic) => !existing.has(topic),
    );
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: 1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }

  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout,
    heartbeatInterval: Math.min(3000, Math.floor(sessionTimeout / 3)),
    // kafkajs heartbeats (and so notices a rebalance) between fetches: a short long-poll keeps an
    // idle instance responsive when another one joins or leaves.
    maxWaitTimeInMs: 1000,
  });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: true });

  /** A chunk decoded: good values (and their records) for the write, bad records for the DLQ. */
  interface Decoded {
    good: T[];
    goodMessages: KafkaMessage[];
    dead: Message[];
  }

  async function decodeChunk(topic: string, partition: number, messages: KafkaMessage[]): Promise<Decoded> {
    const good: T[] = [];
    const goodMessages: KafkaMessage[] = [];
    const dead: Message[] = [];
    for (const message of messages) {
      try {
        good.push(await options.decode(message, topic, partition));
        goodMessages.push(message);
      } catch (error) {
        if (!(error instanceof DeserializationError)) throw error;
        const located = error.at({ topic, partition, offset: message.offset });
        dead.push({
          key: message.key,
          value: message.value,
          headers: deadLetterHeaders(message.headers, located, options.groupId),
        });
        options.metrics?.deadLettersByReason.inc({ application: options.groupId, reason: located.kind });
      }
    }
    return { good, goodMessages, dead };
  }

  /** Dead-letters the chunk's bad records, then writes the good ones; resolves once both are acknowledged. */
  async function writeChunk(
    topic: string,
    partition: number,
    { good, goodMessages, dead }: Decoded,
  ): Promise<void> {
    if (dead.length > 0) {
      await producer.send({ topic: dlqOf(topic), acks: -1, messages: dead });
      logger.warn(
        { topic, partition, count: dead.length, dlq: dlqOf(topic) },
        'bad records sent to dead-letter topic',
      );
    }
    const written = good.length > 0 ? await writeOrGiveUp(good, goodMessages, topic, partition) : 0;
    stats.written += written;
    stats.deadLettered += dead.length;
    stats.chunks++;
    options.metrics?.recordsWritten.inc({ topic }, written);
    if (dead.length > 0) options.metrics?.deadLetters.inc({ topic }, dead.length);
  }

  /**
   * Writes with retries; on a give-up, dead-letters the records (original bytes and headers plus
   * the error) so the chunk can be committed. Returns how many records were written.
   */
  async function writeOrGiveUp(
    values: T[],
    messages: KafkaMessage[],
    topic: string,
    partition: number,
  ): Promise<number> {
    const where = { topic, partition };
    try {
      await retryWithBackoff(
        () => options.write(values, topic, partition),
        retry,
        (attempt, error, delayMs) => {
          options.metrics?.writeRetries.inc({ topic });
          logger.warn({ err: error, topic, partition, attempt, delayMs }, 'sink write failed; retrying');
        },
      );
    } catch (cause) {
      const error = new SinkWriteError(
        options.groupId,
        topic,
        partition,
        messages[0]!.offset,
        messages[messages.length - 1]!.offset,
        retry.retries + 1,
        { cause },
      );
      await producer.send({
        topic: dlqOf(topic),
        acks: -1,
        messages: messages.map((message) => ({
          key: message.key,
          value: message.value,
          headers: {
            ...(message.headers ?? {}),
            ...sinkFailureHeaders(
              cause,
              options.groupId,
              { topic, partition, offset: message.offset },
              error.attempts,
            ),
          },
        })),
      });
      logger.error(
        { err: error, count: messages.length, dlq: dlqOf(topic) },
        'sink write given up; records sent to the dead-letter topic',
      );
      stats.writeFailed += messages.length;
      stats.deadLettered += messages.length;
      options.metrics?.writeFailures.inc({ topic }, messages.length);
      options.metrics?.deadLettersByReason.inc(
        { application: options.groupId, reason: SINK_WRITE_FAILED },
        messages.length,
      );
      await raise(failures.failed(cause, where));
      return 0;
    }
    await raise(failures.succeeded(where));
    return values.length;
  }

  async function raise(alert: SinkAlert | undefined): Promise<void> {
    if (!alert) return;
    await producer.send({
      topic: alertsTopic,
      acks: -1,
      messages: [{ key: alert.sink, value: JSON.stringify(alert) }],
    });
    options.metrics?.alerts.inc({ type: alert.type });
    if (alert.type === 'sink-failing') logger.error({ alert }, 'sink failing: alert raised on meter-alerts');
    else logger.info({ alert }, 'sink recovered');
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    // Pipelined: chunk i+1 is decoded while chunk i's write and commit are in flight, so the
    // instance's CPU work overlaps the CQL server's (with one partition per instance it would
    // otherwise idle during every write). Writes stay one chunk at a time in offset order (a later
    // record of a key is never overwritten by an earlier one) and each commit follows its own
    // chunk's acknowledged write. A failure is kept (not left as an unhandled rejection) and
    // rethrown before the next chunk is written and before the batch returns.
    let inFlight: Promise<void> = Promise.resolve();
    let failure: { error: unknown } | undefined;
    for (let i = 0; i < batch.messages.length; i += chunkSize) {
      // A rebalance or stop: leave the rest uncommitted for whoever owns the partition next.
      if (!payload.isRunning() || payload.isStale()) break;
      const chunk = batch.messages.slice(i, i + chunkSize);
      let decoded: Decoded;
      try {
        decoded = await decodeChunk(topic, partition, chunk);
      } finally {
        await inFlight; // never rejects; a throwing decode still lets the write in flight finish
      }
      if (failure) break;
      if (!payload.isRunning() || payload.isStale()) break;
      const last = chunk[chunk.length - 1]!.offset;
      // After the batch's last chunk, commit past any transaction markers that follow the last record
      // (the aggregator's exactly-once output has them), so the committed offset reaches the end.
      const lastOffset = BigInt(last);
      const batchEnd = i + chunkSize >= batch.messages.length ? BigInt(batch.lastOffset()) : lastOffset;
      const next = ((batchEnd > lastOffset ? batchEnd : lastOffset) + 1n).toString();
      const timer = options.metrics?.chunkSeconds.startTimer({ topic });
      inFlight = (async () => {
        await writeChunk(topic, partition, decoded);
        payload.resolveOffset(last);
        await payload.commitOffsetsIfNecessary({
          topics: [{ topic, partitions: [{ partition, offset: next }] }],
        });
        timer?.();
        await payload.heartbeat();
      })().catch((error: unknown) => {
        failure ??= { error };
      });
    }
    // kafkajs fetches again (and may rebalance or disconnect) only after this returns: the last
    // write and commit are done by then.
    await inFlight;
    if (failure) throw failure.error;
  }

  // Fetches of transaction markers alone: the group commits past them (control-records.ts).
  onControlRecordsOnly(consumer, ({ topic, partition, next }) => {
    const offset = String(next);
    consumer.commitOffsets([{ topic, partition, offset }]).catch((error: unknown) => {
      logger.warn({ err: error, topic, partition, offset }, 'could not commit past transaction markers');
    });
  });
  consumer.on(consumer.events.CRASH, (event) => {
    logger.error({ err: event.payload.error, groupId: options.groupId }, 'consumer crashed');
  });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 4,
    eachBatch,
  });

  let stopping: Promise<void> | undefined;
  return {
    stats,
    stop() {
      stopping ??= (async () => {
        await consumer.disconnect(); // waits for the batch in progress, then leaves the group
        await producer.disconnect();
      })();
      return stopping;
    },
  };
}

/** The original headers, then the error headers (error.reason, error.message, error.topic, ...). */
function deadLetterHeaders(
  original: IHeaders | undefined,
  error: DeserializationError,
  application: string,
): IHeaders {
  return { ...(original ?? {}), ...error.toHeaders(application) };
}
