import type { S3Client } from '@aws-sdk/client-s3';
import {
  DEAD_LETTER_TOPIC,
  type Logger,
  type MeterstreamConfig,
  createLogger,
  identityOfKey,
  validateMetricRecord,
} from '@meterstream/common';
import { type Consumer, Kafka, type KafkaMessage, type Producer, logLevel } from 'kafkajs';
import { sinkMetrics } from '../metrics.js';
import type { ArchivedMetric } from '../parquet/metric-parquet.js';
import { createS3Client } from '../s3-client.js';
import { type MetricDecoder, type ValueFormat, createMetricDecoder } from './decode-record.js';
import { type FlushProgress, readFlushProgress, writeFlushProgress } from './flush-progress.js';
import { writeSegmentObjects } from './flush-segment.js';
import { DEFAULT_ROLL_POLICY, type RollPolicy } from './roll-policy.js';
import { Segment } from './segment.js';
import { deleteSegmentMarker, deleteStaleSegmentMarkers, readSegmentMarker } from './segment-marker.js';

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
}

export interface S3SinkStats {
  recordsArchived: number;
  deadLetters: number;
  objectsWritten: number;
  segmentsWritten: number;
  /** Next offset to consume per partition, as committed by this sink. */
  committed: Record<number, number>;
}

export interface RunningS3Sink {
  /** Writes out every open segment, commits, and leaves the group. */
  stop(): Promise<void>;
  /** Settles when the sink stopped: resolves after stop(), rejects on a fatal error. */
  done: Promise<void>;
  stats(): S3SinkStats;
}

/** A failure that must stop the sink (offsets stay uncommitted; a restart resumes safely). */
export class S3SinkError extends Error {
  override readonly name = 'S3SinkError';
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`s3 sink: ${reason} (topic ${topic}, partition ${partition}, offset ${offset})`, options);
  }
}

/**
 * Serializes async sections of one partition: its batches, age rolls and final flush never
 * interleave. Partitions are independent (own segment, own offsets), so they run concurrently and
 * one partition's upload overlaps another's decoding.
 */
function createLock() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(section: () => Promise<T>): Promise<T> => {
    const run = tail.then(section, section);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * `meterstream sink s3`: archives the raw metrics topic into Parquet objects in the lake.
 *
 * Per partition, records accumulate in a Segment from the committed offset on. A segment closes
 * when the roll policy says so; then its marker and objects are written, dead letters produced,
 * and only then is `lastOffset + 1` committed. See README.md for why a crash at any point yields
 * neither a gap nor a duplicate.
 */
export async function runS3Sink(options: S3SinkOptions): Promise<RunningS3Sink> {
  const { config } = options;
  const topic = options.topic ?? 'metrics';
  const groupId = options.groupId ?? 'meterstream-sink-s3';
  const deadLetterTopic = options.deadLetterTopic ?? DEAD_LETTER_TOPIC;
  const policy: RollPolicy = { ...DEFAULT_ROLL_POLICY, ...options.roll };
  const logger = options.logger ?? createLogger('sink-s3', config.logLevel);
  const s3 = options.s3 ?? createS3Client(config.s3);
  const bucket = config.s3.bucket;
  const valueFormat = options.valueFormat ?? (config.schemaRegistryUrl ? 'registry' : 'avro');
  const decoder: MetricDecoder = createMetricDecoder(valueFormat, config.schemaRegistryUrl);
  const metrics = sinkMetrics();

  const kafka = new Kafka({
    clientId: `${config.kafka.clientId}-sink-s3`,
    brokers: config.kafka.brokers,
    logLevel: logLevel.WARN,
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
  const locks = new Map<number, ReturnType<typeof createLock>>();
  const lockFor = (partition: number) => {
    const existing = locks.get(partition);
    if (existing) return existing;
    const lock = createLock();
    locks.set(partition, lock);
    return lock;
  };
  const segments = new Map<number, Segment>();
  const stats: S3SinkStats = {
    recordsArchived: 0,
    deadLetters: 0,
    objectsWritten: 0,
    segmentsWritten: 0,
    committed: {},
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

  // Partitions whose stale markers were cleaned up since they were last assigned to us.
  const tidied = new Set<number>();

  async function openSegment(partition: number, offset: number): Promise<Segment> {
    if (!tidied.has(partition)) {
      tidied.add(partition);
      const removed = await deleteStaleSegmentMarkers(s3, bucket, topic, partition, offset);
      if (removed)
        logger.info({ partition, removed }, 'deleted segment markers left below the committed offset');
    }
    const marker = await readSegmentMarker(s3, bucket, topic, partition, offset);
    if (marker) {
      logger.info(
        { partition, firstOffset: offset, lastOffset: marker.lastOffset },
        'segment marker found: an earlier run was writing this segment; re-writing it with the same boundaries',
      );
    }
    return new Segment(topic, partition, offset, Date.now(), marker ? marker.lastOffset : null);
  }

  async function isCommitted(partition: number, offset: number): Promise<boolean> {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const entry = committed?.partitions.find((p) => p.partition === partition);
    return entry !== undefined && Number(entry.offset) >= offset;
  }

  // Per partition, the flush progress last written (read from the lake on the first flush).
  const progress = new Map<number, FlushProgress | null>();

  /** Records, after a segment's objects are durable, how far the partition is in the lake. */
  async function recordProgress(segment: Segment): Promise<void> {
    const partition = segment.partition;
    if (!progress.has(partition))
      progress.set(partition, await readFlushProgress(s3, bucket, topic, partition));
    let maxEventTime = progress.get(partition)?.maxEventTime ?? null;
    for (const metric of segment.metrics)
      if (maxEventTime === null || metric.timestamp > maxEventTime) maxEventTime = metric.timestamp;
    const next: FlushProgress = {
      topic,
      partition,
      nextOffset: segment.lastOffset + 1,
      maxEventTime,
      updatedAt: Date.now(),
    };
    await writeFlushProgress(s3, bucket, next);
    progress.set(partition, next);
  }

  async function flush(segment: Segment, reason: string): Promise<void> {
    const timer = metrics.flushSeconds.startTimer({ reason });
    const result = await writeSegmentObjects({ s3, bucket, partSize: options.partSize }, segment);
    if (segment.deadLetters.length > 0) {
      logger.warn(
        {
          partition: segment.partition,
          count: segment.deadLetters.length,
          deadLetterTopic,
          first: segment.deadLetters[0]!.headers['error.message'],
        },
        'invalid records sent to the dead-letter topic',
      );
      await producer.send({
        topic: deadLetterTopic,
        acks: -1,
        messages: segment.deadLetters.map((letter) => ({
          key: letter.key,
          value: letter.value,
          headers: letter.headers,
        })),
      });
    }
    // Before the commit: a crash in between re-writes the same objects and the same progress.
    await recordProgress(segment);
    const next = segment.lastOffset + 1;
    try {
      await consumer.commitOffsets([{ topic, partition: segment.partition, offset: String(next) }]);
    } catch (cause) {
      throw new S3SinkError(
        topic,
        segment.partition,
        next,
        'offset commit failed after the objects were written (a restart rewrites them under the same names)',
        { cause },
      );
    }
    timer();
    stats.recordsArchived += segment.metrics.length;
    stats.deadLetters += segment.deadLetters.length;
    stats.objectsWritten += result.objects.length;
    stats.segmentsWritten++;
    stats.committed[segment.partition] = next;
    metrics.recordsArchived.inc({ partition: String(segment.partition) }, segment.metrics.length);
    if (segment.deadLetters.length)
      metrics.deadLetters.inc({ partition: String(segment.partition) }, segment.deadLetters.length);
    for (const letter of segment.deadLetters)
      metrics.deadLettersByReason.inc({ application: groupId, reason: letter.reason });
    for (const object of result.objects) {
      metrics.objectsWritten.inc({ multipart: String(object.multipart) });
      metrics.bytesWritten.inc(object.bytes);
    }
    logger.debug(
      {
        partition: segment.partition,
        firstOffset: segment.firstOffset,
        lastOffset: segment.lastOffset,
        records: segment.recordCount,
        objects: result.objects.length,
        reason,
      },
      'segment archived and committed',
    );
    try {
      // kafkajs' commitOffsets returns without committing when its runner is stopping (a crash
      // in progress, a concurrent partition's failure): only a commit the group coordinator
      // confirms retires the marker. A kept marker pins the re-run; it is tidied later.
      if (await isCommitted(segment.partition, next)) {
        await deleteSegmentMarker(s3, bucket, topic, segment.partition, segment.firstOffset);
      } else {
        logger.warn(
          { partition: segment.partition, offset: next },
          'commit not confirmed; segment marker kept',
        );
      }
    } catch (error) {
      // Harmless leftover: no run starts below the committed offset, so nobody reads it again.
      logger.warn({ err: error, partition: segment.partition }, 'could not retire segment marker');
    }
  }

  /**
   * Takes one record into the segment if common's metric record rule accepts it (the aggregator's
   * rule), else keeps it as a dead letter: the lake holds exactly what the speed layer aggregates.
   */
  function addRecord(segment: Segment, partition: number, message: KafkaMessage, offset: number): void {
    const size = (message.key?.length ?? 0) + (message.value?.length ?? 0);
    // No source on the hot path: the location is added to a refusal only.
    const verdict = validateMetricRecord(message.key, message.value, decoder.decode);
    if (verdict.ok) {
      const { gateway, metricType, metricAttribute } = identityOfKey(verdict.key);
      const { timestamp, value } = verdict.reading;
      const metric: ArchivedMetric = {
        gateway,
        metricType,
        metricAttribute,
        timestamp,
        value,
        partition,
        offset,
      };
      segment.addMetric(offset, size, metric);
      return;
    }
    const located = verdict.error.at({ topic, partition, offset: message.offset });
    logger.debug(
      { partition, offset, error: located.message },
      'invalid record goes to the dead-letter topic',
    );
    const original: Record<string, string | Buffer> = {};
    for (const [name, header] of Object.entries(message.headers ?? {}))
      if (header !== undefined && !Array.isArray(header)) original[name] = header;
    segment.addDeadLetter(offset, size, {
      offset,
      key: message.key,
      value: message.value,
      reason: located.kind,
      headers: { ...original, ...located.toHeaders(groupId) },
    });
  }

  // Per partition: the tail of its chain of flushes; the failure that poisoned it (with the first
  // offset of the segment that was lost); and an epoch that retires a chain. After a failed flush,
  // no later flush of the partition may write or commit (it would commit past the lost segment):
  // the chain is poisoned and the consumer seeks back to the lost segment's first offset. The
  // poison is lifted when a batch from that offset (or earlier, after a rejoin) arrives; the
  // partition then starts over in a new epoch.
  const inFlight = new Map<number, Promise<void>>();
  const poisoned = new Map<number, { error: Error; from: number }>();
  const epochs = new Map<number, number>();
  // Per partition, the offset after the last segment handed to a flush. A rewind (rebalance)
  // re-delivers from the committed offset, which can lag behind flushes that are still running or
  // whose commit is racing the rejoin; those records are already being written under their pinned
  // names, so they are skipped rather than put into a second, differently bounded segment. A failed
  // flush clears the floor, so nothing is skipped that did not reach the lake.
  const flushedUpTo = new Map<number, number>();

  function liftPoison(partition: number): void {
    poisoned.delete(partition);
    inFlight.delete(partition);
    epochs.set(partition, (epochs.get(partition) ?? 0) + 1);
  }

  /**
   * A dependency (S3, the Schema Registry) is unavailable: log, wait a little so a retry loop does
   * not spin, and let the partition be fetched again from `offset` (nothing past it was taken).
   */
  async function backOff(partition: number, offset: number, error: unknown): Promise<void> {
    logger.warn({ err: error, partition, offset }, 'dependency unavailable; retrying the partition shortly');
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, Math.floor(sessionTimeout / 3))));
  }

  /** Makes kafkajs re-deliver the partition from `offset` (applied on its next fetch). */
  function rewind(partition: number, offset: number): void {
    segments.delete(partition);
    try {
      consumer.seek({ topic, partition, offset: String(offset) });
    } catch (error) {
      // Not assigned any more: its next owner starts from the committed offset anyway.
      logger.warn({ err: error, partition, offset }, 'could not seek');
    }
  }

  /**
   * Closes the partition's open segment and writes it in the background, so the partition keeps
   * decoding into its next segment while the objects upload. Flushes of one partition run in order
   * (each waits for the previous one), and at most two are outstanding: the returned promise
   * resolves once the previous one finished (back-pressure). Call under the partition's lock.
   */
  async function scheduleFlush(segment: Segment, reason: string): Promise<void> {
    const partition = segment.partition;
    segments.delete(partition);
    if (poisoned.has(partition)) return; // its records are re-delivered after the rewind
    flushedUpTo.set(partition, segment.lastOffset + 1);
    const epoch = epochs.get(partition) ?? 0;
    const previous = inFlight.get(partition);
    const job = (async () => {
      if (previous) await previous;
      if (poisoned.has(partition) || (epochs.get(partition) ?? 0) !== epoch) {
        throw new S3SinkError(
          topic,
          partition,
          segment.firstOffset,
          'segment dropped: an earlier flush of the partition failed',
        );
      }
      await flush(segment, reason);
    })().catch((error: unknown) => {
      if (!poisoned.has(partition) && (epochs.get(partition) ?? 0) === epoch) {
        poisoned.set(partition, { error: error as Error, from: segment.firstOffset });
        flushedUpTo.delete(partition);
        logger.error(
          { err: error, partition, offset: segment.firstOffset },
          'segment flush failed; re-reading the partition from the lost segment',
        );
        rewind(partition, segment.firstOffset);
      }
      throw error;
    });
    job.catch(() => undefined); // surfaced through `poisoned`
    inFlight.set(partition, job);
    if (previous) await previous.catch(() => undefined);
  }

  /** Waits for the partition's flushes; throws if one failed. */
  async function drain(partition: number): Promise<void> {
    await inFlight.get(partition)?.catch(() => undefined);
    const poison = poisoned.get(partition);
    if (poison) throw poison.error;
  }

  /** Closes the partition's segment if the age roll applies (call under the partition's lock). */
  async function rollIfAged(partition: number): Promise<void> {
    const segment = segments.get(partition);
    if (segment?.isAged(policy, Date.now())) await scheduleFlush(segment, 'age');
  }

  /** The age timer's roll of a quiet partition (under the partition's lock). */
  async function rollIfIdleAged(partition: number): Promise<void> {
    const segment = segments.get(partition);
    if (!stopping && segment?.isAged(policy, Date.now())) await scheduleFlush(segment, 'age');
  }

  await producer.connect();
  await admin.connect();
  await consumer.connect();
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const assigned = new Set<number>(event.payload.memberAssignment[topic] ?? []);
    tidied.clear();
    // kafkajs rejoined: every partition is re-fetched from its committed offset. A poisoned chain
    // is retired (none of its later flushes wrote anything); healthy ones finish in the background.
    for (const partition of [...poisoned.keys()]) liftPoison(partition);
    for (const partition of [...segments.keys()]) {
      // Another member owns it now and re-reads it from the committed offset.
      if (!assigned.has(partition)) void lockFor(partition)(async () => segments.delete(partition));
    }
  });
  consumer.on(consumer.events.CRASH, (event) => {
    logger.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
    if (!event.payload.restart) fatal?.(event.payload.error);
  });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    // The fetch position moves with every record we buffer; commits happen only in flush().
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      const partition = batch.partition;
      await lockFor(partition)(async () => {
        const first = batch.messages[0];
        if (!first) return;
        const poison = poisoned.get(partition);
        if (poison) {
          // Until the rewind to the lost segment takes effect, batches past it are ignored.
          if (Number(first.offset) > poison.from) return;
          liftPoison(partition);
        }
        try {
          await decoder.prefetch(batch.messages.map((message) => message.value));
        } catch (error) {
          // Registry unreachable: nothing taken, so kafkajs fetches this batch again.
          await backOff(partition, Number(first.offset), error);
          return;
        }
        // The fetch position advances to the last record taken into a segment; resolving once per
        // batch (not per record) keeps kafkajs' per-call bookkeeping off the hot path. Staleness
        // can only change across an await, so it is checked after each.
        let taken: string | undefined;
        const stale = () => stopping || !isRunning() || isStale() || poisoned.has(partition);
        try {
          if (stale()) return;
          for (const message of batch.messages) {
            const offset = Number(message.offset);
            if (offset < (flushedUpTo.get(partition) ?? 0)) {
              taken = message.offset; // in a segment this process already wrote or is writing
              continue;
            }
            let segment = segments.get(partition);
            if (segment && offset < segment.nextOffset) {
              if (offset > segment.firstOffset) {
                // Re-delivered from the middle of the open segment: restarting here would lose
                // the records before it, so the whole segment is read again.
                logger.info(
                  { partition, offset, from: segment.firstOffset },
                  'partition rewound mid-segment',
                );
                rewind(partition, segment.firstOffset);
                return;
              }
              // Re-delivered from the segment's start (rebalance, consumer restart): start over.
              logger.info(
                { partition, offset, buffered: segment.recordCount },
                'partition rewound; segment restarts',
              );
              segments.delete(partition);
              segment = undefined;
            }
            if (segment?.endsBefore(offset)) {
              await scheduleFlush(segment, 'pinned');
              segment = undefined;
              if (stale()) return;
            }
            if (!segment) {
              try {
                segment = await openSegment(partition, offset);
              } catch (error) {
                // S3 unreachable: the records taken so far are in flushed segments; this one
                // is fetched again (the position stays at it).
                await backOff(partition, offset, error);
                return;
              }
              segments.set(partition, segment);
              if (stale()) return;
            }
            addRecord(segment, partition, message, offset);
            taken = message.offset;
            if (segment.isFull(policy)) {
              await scheduleFlush(segment, segment.pinnedLastOffset !== null ? 'pinned' : 'size');
              await heartbeat();
              if (stale()) return;
            }
          }
          await rollIfAged(partition);
        } finally {
          if (taken !== undefined) resolveOffset(taken);
        }
      });
    },
  });

  const ageTimer = setInterval(
    () => {
      const partitions = [...segments.keys()];
      Promise.all(partitions.map((partition) => lockFor(partition)(() => rollIfIdleAged(partition)))).catch(
        (error: unknown) => {
          // Flush failures are handled in the background (poison and rewind); what reaches here is
          // unexpected, so the sink stops (a restart resumes from the committed offsets).
          logger.error({ err: error }, 'age roll failed; stopping the sink');
          void shutdown(error as Error);
        },
      );
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
          await Promise.all(
            [...new Set([...segments.keys(), ...inFlight.keys()])].map((partition) =>
              lockFor(partition)(async () => {
                const segment = segments.get(partition);
                if (segment && !segment.isEmpty) await scheduleFlush(segment, 'shutdown');
                await drain(partition);
              }),
            ),
          );
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
