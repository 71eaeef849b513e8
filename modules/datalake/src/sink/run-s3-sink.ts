import type { S3Client } from '@aws-sdk/client-s3';
import {
  DEAD_LETTER_TOPIC,
  DEFAULT_SINK_RETRY_POLICY,
  type Logger,
  type MeterstreamConfig,
  SINK_ALERTS_TOPIC,
  SinkFailureTracker,
  type SinkRetryPolicy,
  createLogger,
  kafkaClientSecurity,
  onControlRecordsOnly,
} from '@meterstream/common';
import { type Consumer, Kafka, type Producer, logLevel } from 'kafkajs';
import { sinkMetrics } from '../metrics.js';
import { createS3Client } from '../s3-client.js';
import { type ValueFormat, createMetricDecoder } from './decode-record.js';
import {
  type ConsumerGroupSide,
  PartitionWriter,
  type PartitionWriterContext,
  type S3SinkStats,
} from './partition-writer.js';
import { DEFAULT_ROLL_POLICY, type RollPolicy } from './roll-policy.js';

export interface S3SinkOptions {
  config: MeterstreamConfig;
  topic?: string;
  groupId?: string;
  /** Default `metrics-dlq`, the pipeline's one dead-letter topic. */
  deadLetterTopic?: string;
  /** Defaults to `registry` when a Schema Registry URL is configured, else `avro`. */
  valueFormat?: ValueFormat;
  roll?: Partial<RollPolicy>;
  /** Multipart part size (objects larger than this are uploaded in parts). */
  partSize?: number;
  /** Consumer group session timeout (how long a crashed member holds its partitions). */
  sessionTimeoutMs?: number;
  /** How often open segments are checked for the age roll. */
  ageCheckIntervalMs?: number;
  s3?: S3Client;
  logger?: Logger;
  /** Retries of a failed segment write and the sink alert after consecutive failures (common's sink-failure.ts). */
  retry?: Partial<SinkRetryPolicy>;
  /** Where sink alerts go. Default `meter-alerts`. */
  alertsTopic?: string;
}

export interface RunningS3Sink {
  /** Writes out every open segment, commits, and leaves the group. */
  stop(): Promise<void>;
  /** Settles when the sink stopped: resolves after stop(), rejects on a fatal error. */
  done: Promise<void>;
  stats(): S3SinkStats;
}

/** The consumer-group side of the partition writers, over kafkajs. */
function kafkajsGroupSide(
  topic: string,
  groupId: string,
  deadLetterTopic: string,
  alertsTopic: string,
  clients: { consumer: Consumer; producer: Producer; admin: ReturnType<Kafka['admin']> },
): ConsumerGroupSide {
  const { consumer, producer, admin } = clients;
  return {
    commit: (partition, offset) => consumer.commitOffsets([{ topic, partition, offset: String(offset) }]),
    async isCommitted(partition, offset) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const entry = committed?.partitions.find((p) => p.partition === partition);
      return entry !== undefined && Number(entry.offset) >= offset;
    },
    async sendDeadLetters(_partition, letters) {
      await producer.send({
        topic: deadLetterTopic,
        acks: -1,
        messages: letters.map((letter) => ({
          key: letter.key,
          value: letter.value,
          headers: letter.headers,
        })),
      });
    },
    seek: (partition, offset) => consumer.seek({ topic, partition, offset: String(offset) }),
    async sendAlert(alert) {
      await producer.send({
        topic: alertsTopic,
        acks: -1,
        messages: [{ key: alert.sink, value: JSON.stringify(alert) }],
      });
    },
  };
}

/**
 * `meterstream sink s3`: archives the raw metrics topic into Parquet objects in the lake.
 *
 * This is the consumer loop: it joins the group, hands each fetched batch to its partition's
 * PartitionWriter (partition-writer.ts: segments, rolls, uploads, markers, commits), runs the age
 * roll of quiet partitions on a timer, and on stop writes out every open segment before leaving.
 */
export async function runS3Sink(options: S3SinkOptions): Promise<RunningS3Sink> {
  const { config } = options;
  const topic = options.topic ?? 'metrics';
  const groupId = options.groupId ?? 'meterstream-sink-s3';
  const deadLetterTopic = options.deadLetterTopic ?? DEAD_LETTER_TOPIC;
  const alertsTopic = options.alertsTopic ?? SINK_ALERTS_TOPIC;
  const retry: SinkRetryPolicy = { ...DEFAULT_SINK_RETRY_POLICY, ...options.retry };
  const policy: RollPolicy = { ...DEFAULT_ROLL_POLICY, ...options.roll };
  const logger = options.logger ?? createLogger('sink-s3', config.logLevel, config.logFormat);
  const s3 = options.s3 ?? createS3Client(config.s3);
  const valueFormat = options.valueFormat ?? (config.schemaRegistryUrl ? 'registry' : 'avro');
  const decoder = createMetricDecoder(valueFormat, config.schemaRegistryUrl);

  const kafka = new Kafka({
    clientId: `${config.kafka.clientId}-sink-s3`,
    brokers: config.kafka.brokers,
    logLevel: logLevel.WARN,
    ...kafkaClientSecurity(config.kafka),
  });
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout,
    heartbeatInterval: Math.max(100, Math.floor(sessionTimeout / 10)),
    // kafkajs heartbeats from its fetch loop: an idle fetch must return well within the session.
    maxWaitTimeInMs: Math.min(5_000, Math.floor(sessionTimeout / 3)),
  });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const admin = kafka.admin();
  const stats: S3SinkStats = {
    recordsArchived: 0,
    deadLetters: 0,
    objectsWritten: 0,
    segmentsWritten: 0,
    committed: {},
  };
  const context: PartitionWriterContext = {
    topic,
    groupId,
    deadLetterTopic,
    policy,
    s3,
    bucket: config.s3.bucket,
    partSize: options.partSize,
    decoder,
    logger,
    metrics: sinkMetrics(),
    stats,
    group: kafkajsGroupSide(topic, groupId, deadLetterTopic, alertsTopic, { consumer, producer, admin }),
    retry,
    failures: new SinkFailureTracker(groupId, retry.alertAfterFailures),
  };
  const writers = new Map<number, PartitionWriter>();
  const writerFor = (partition: number): PartitionWriter => {
    let writer = writers.get(partition);
    if (!writer) {
      writer = new PartitionWriter(context, partition);
      writers.set(partition, writer);
    }
    return writer;
  };

  let stopping = false;
  let fatal: ((error: Error) => void) | undefined;
  let finished: (() => void) | undefined;
  const done = new Promise<void>((resolve, reject) => {
    finished = resolve;
    fatal = reject;
  });
  // A rejection nobody awaits yet must not crash the process before the caller attaches.
  done.catch(() => undefined);

  /**
   * A dependency (S3, the Schema Registry) is unavailable: log, wait a little so a retry loop does
   * not spin, and let the partition be fetched again from `offset` (nothing past it was taken).
   */
  async function backOff(partition: number, offset: number, error: unknown): Promise<void> {
    logger.warn({ err: error, partition, offset }, 'dependency unavailable; retrying the partition shortly');
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, Math.floor(sessionTimeout / 3))));
  }

  await producer.connect();
  await admin.connect();
  // The alert topic exists before an outage needs it (a failing sink must not depend on auto-creation).
  if (!(await admin.listTopics()).includes(alertsTopic))
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: alertsTopic, numPartitions: 1 }] });
  await consumer.connect();
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const assigned = new Set<number>(event.payload.memberAssignment[topic] ?? []);
    // kafkajs rejoined: every partition is re-fetched from its committed offset.
    for (const writer of writers.values()) {
      writer.rejoined();
      // Another member owns it now and re-reads it from the committed offset.
      if (writer.hasOpenSegment && !assigned.has(writer.partition))
        void writer.exclusive(async () => writer.dropSegment());
    }
  });
  // A fetch of transaction markers (or aborted records) alone never reaches eachBatch (control-records.ts).
  onControlRecordsOnly(consumer, ({ topic: batchTopic, partition, from, next }) => {
    if (batchTopic !== topic) return;
    const writer = writerFor(partition);
    void writer
      .exclusive(async () => writer.passControlRecords(from, next))
      .catch((error: unknown) =>
        logger.warn({ err: error, partition }, 'could not pass transaction markers'),
      );
  });
  consumer.on(consumer.events.CRASH, (event) => {
    logger.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
    if (!event.payload.restart) fatal?.(event.payload.error);
  });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    // The fetch position moves with every record we buffer; commits happen only after a flush.
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      const partition = batch.partition;
      const writer = writerFor(partition);
      await writer.exclusive(async () => {
        const first = batch.messages[0];
        if (!first || !writer.admits(Number(first.offset))) return;
        try {
          await decoder.prefetch(batch.messages.map((message) => message.value));
        } catch (error) {
          // Registry unreachable: nothing taken, so kafkajs fetches this batch again.
          await backOff(partition, Number(first.offset), error);
          return;
        }
        // The fetch position advances to the last record taken into a segment; resolving once per
        // batch (not per record) keeps kafkajs' per-call bookkeeping off the hot path.
        let lastTaken: string | undefined;
        await writer.take(batch.messages, {
          stale: () => stopping || !isRunning() || isStale(),
          heartbeat,
          backOff: (offset, error) => backOff(partition, offset, error),
          taken: (offset) => {
            lastTaken = offset;
            resolveOffset(offset);
          },
        });
        // A batch ending in a transaction marker: kafkajs resolves past it with the last record,
        // so it is never fetched again; the writer commits past it too.
        const last = batch.messages[batch.messages.length - 1]!;
        if (lastTaken === last.offset && Number(batch.lastOffset()) > Number(last.offset))
          writer.passControlRecords(Number(last.offset) + 1, Number(batch.lastOffset()) + 1);
      });
    },
  });

  const ageTimer = setInterval(
    () => {
      const open = [...writers.values()].filter((writer) => writer.hasOpenSegment);
      Promise.all(
        open.map((writer) => writer.exclusive(async () => (stopping ? undefined : writer.rollIfAged()))),
      ).catch((error: unknown) => {
        // Flush failures are handled in the background (poison and rewind); what reaches here is
        // unexpected, so the sink stops (a restart resumes from the committed offsets).
        logger.error({ err: error }, 'age roll failed; stopping the sink');
        void shutdown(error as Error);
      });
    },
    Math.max(50, Math.min(options.ageCheckIntervalMs ?? 1_000, policy.maxAgeMs)),
  );
  ageTimer.unref();

  let shutdownPromise: Promise<void> | undefined;
  function shutdown(error?: Error): Promise<void> {
    shutdownPromise ??= (async () => {
      stopping = true;
      clearInterval(ageTimer);
      let failure = error;
      if (!failure) {
        try {
          await Promise.all([...writers.values()].map((writer) => writer.exclusive(() => writer.finish())));
        } catch (flushError) {
          failure = flushError as Error;
          logger.error({ err: flushError }, 'final flush failed; offsets left uncommitted');
        }
      }
      await consumer
        .disconnect()
        .catch((e: unknown) => logger.warn({ err: e }, 'consumer disconnect failed'));
      await producer
        .disconnect()
        .catch((e: unknown) => logger.warn({ err: e }, 'producer disconnect failed'));
      await admin.disconnect().catch((e: unknown) => logger.warn({ err: e }, 'admin disconnect failed'));
      if (!options.s3) s3.destroy();
      if (failure) fatal?.(failure);
      else finished?.();
    })();
    return shutdownPromise;
  }
  done.catch(() => shutdown());

  return {
    stop: async () => {
      await shutdown();
      await done;
    },
    done,
    stats: () => ({ ...stats, committed: { ...stats.committed } }),
  };
}
