import type { S3Client } from '@aws-sdk/client-s3';
import {
  DEFAULT_SINK_RETRY_POLICY,
  type Logger,
  type SinkAlert,
  type SinkFailureTracker,
  type SinkRetryPolicy,
  retryWithBackoff,
} from '@meterstream/common';
import type { KafkaMessage } from 'kafkajs';
import type { SinkMetrics } from '../metrics.js';
import type { MetricDecoder } from './decode-record.js';
import { type FlushProgress, readFlushProgress, writeFlushProgress } from './flush-progress.js';
import { writeSegmentObjects } from './flush-segment.js';
import { createLock } from './partition-lock.js';
import type { RollPolicy } from './roll-policy.js';
import { S3SinkError } from './s3-sink-error.js';
import { type DeadLetter, Segment } from './segment.js';
import { deleteSegmentMarker, deleteStaleSegmentMarkers, readSegmentMarker } from './segment-marker.js';
import { addRecordToSegment } from './segment-record.js';

export interface S3SinkStats {
  recordsArchived: number;
  deadLetters: number;
  objectsWritten: number;
  segmentsWritten: number;
  /** Next offset to consume per partition, as committed by this sink. */
  committed: Record<number, number>;
}

/**
 * What a partition writer needs of the consumer group it belongs to. The S3 sink backs it with
 * kafkajs (consumer, producer, admin); the writer itself knows no Kafka client.
 */
export interface ConsumerGroupSide {
  /** Commits `offset` (the next to consume) for the partition; throws when the commit failed. */
  commit(partition: number, offset: number): Promise<void>;
  /** Whether the group coordinator holds a committed offset of at least `offset`. */
  isCommitted(partition: number, offset: number): Promise<boolean>;
  /** Produces the records the metric rule refused, acknowledged by all in-sync replicas. */
  sendDeadLetters(partition: number, letters: DeadLetter[]): Promise<void>;
  /** Makes the consumer re-deliver the partition from `offset`; throws when it is not assigned. */
  seek(partition: number, offset: number): void;
  /** Produces a sink alert to `meter-alerts` (none when absent). */
  sendAlert?(alert: SinkAlert): Promise<void>;
}

/** What one batch of a partition may use of the consumer loop that delivered it. */
export interface BatchControl {
  /** True once the batch must not go on (stopping, rebalanced, the runner no longer running). */
  stale(): boolean;
  heartbeat(): Promise<void>;
  /** Waits after a dependency failed before the records from `offset` are fetched again. */
  backOff(offset: number, error: unknown): Promise<void>;
  /**
   * Called once per batch, also when it ends in an error, with the offset of the last record taken
   * into a segment: the consumer's fetch position may advance to it.
   */
  taken(offset: string): void;
}

/** Settings and collaborators every partition writer of one sink shares. */
export interface PartitionWriterContext {
  topic: string;
  groupId: string;
  deadLetterTopic: string;
  policy: RollPolicy;
  s3: S3Client;
  bucket: string;
  partSize?: number;
  decoder: MetricDecoder;
  logger: Logger;
  metrics: SinkMetrics;
  /** Shared by the sink's writers; each adds what it archived. */
  stats: S3SinkStats;
  group: ConsumerGroupSide;
  /** Wall clock for the age roll (tests pass their own). */
  now?: () => number;
  /** Retries of a failed segment write. Default DEFAULT_SINK_RETRY_POLICY. */
  retry?: SinkRetryPolicy;
  /** Shared by the sink's writers: consecutive given-up segment writes → a sink alert. */
  failures?: SinkFailureTracker;
}

/**
 * Archives one partition of the topic: records accumulate in a Segment from the committed offset
 * on; a segment closes when the roll policy says so (size, age, or a marker's pinned end); then its
 * marker and objects are written, dead letters produced, the flush progress recorded, and only then
 * is `lastOffset + 1` committed and the marker retired. See README.md for why a crash at any point
 * yields neither a gap nor a duplicate.
 *
 * Sections that touch the open segment run under `exclusive`; flushes run in the background in
 * order, at most two outstanding.
 */
export class PartitionWriter {
  /** Runs a section with no other section of this partition interleaved. */
  readonly exclusive = createLock();
  private segment: Segment | undefined;
  /** Whether stale markers below the committed offset were cleaned up since the last (re)join. */
  private tidied = false;
  /** The flush progress last written (undefined: not read from the lake yet). */
  private progress: FlushProgress | null | undefined;
  // The tail of the chain of flushes; the failure that poisoned it (with the first offset of the
  // segment that was lost); and an epoch that retires a chain. After a failed flush, no later flush
  // of the partition may write or commit (it would commit past the lost segment): the chain is
  // poisoned and the consumer seeks back to the lost segment's first offset. The poison is lifted
  // when a batch from that offset (or earlier, after a rejoin) arrives; the partition then starts
  // over in a new epoch.
  private inFlight: Promise<void> | undefined;
  private poison: { error: Error; from: number } | undefined;
  private epoch = 0;
  // The offset after the last segment handed to a flush. A rewind (rebalance) re-delivers from the
  // committed offset, which can lag behind flushes that are still running or whose commit is racing
  // the rejoin; those records are already being written under their pinned names, so they are
  // skipped rather than put into a second, differently bounded segment. A failed flush clears the
  // floor, so nothing is skipped that did not reach the lake.
  private flushedUpTo: number | undefined;
  // Offsets [from, next) right after the last record taken that hold nothing to archive (see
  // passControlRecords): the open segment's commit goes to `next` when it ends at `from`.
  private controlTail: { from: number; next: number } | undefined;
  private readonly now: () => number;

  constructor(
    private readonly context: PartitionWriterContext,
    readonly partition: number,
  ) {
    this.now = context.now ?? Date.now;
  }

  /** The open segment's record count (0: none open). */
  get bufferedRecords(): number {
    return this.segment?.recordCount ?? 0;
  }

  get hasOpenSegment(): boolean {
    return this.segment !== undefined;
  }

  /** The group was (re)joined: every partition is re-fetched from its committed offset. */
  rejoined(): void {
    this.tidied = false;
    // A poisoned chain is retired (none of its later flushes wrote anything); healthy ones finish
    // in the background.
    if (this.poison) this.liftPoison();
  }

  /** Forgets the open segment: another member owns the partition and re-reads it (under the lock). */
  dropSegment(): void {
    this.segment = undefined;
  }

  /**
   * Whether a batch starting at `firstOffset` may be taken. Until the rewind to a lost segment
   * takes effect, batches past it are refused; one from that offset (or before) lifts the poison.
   */
  admits(firstOffset: number): boolean {
    if (!this.poison) return true;
    if (firstOffset > this.poison.from) return false;
    this.liftPoison();
    return true;
  }

  /**
   * Offsets [from, next) hold no record to archive: transaction markers and aborted records, which
   * a read_committed consumer never sees. Committed with the segment that ends right before them,
   * or at once (after the flushes in flight) when none is open — else the commit marker closing an
   * exactly-once writer's last transaction (metrics-clean) would keep the group one offset short of
   * the partition's end for good, and lakeCoverage would never reach it. Call under the lock.
   */
  passControlRecords(from: number, next: number): void {
    if (this.poison || next <= from) return;
    if (this.segment) {
      this.controlTail = { from, next };
      return;
    }
    // Nothing taken since the (re)join: the fetch started at the committed offset, so `from` is it.
    if (this.flushedUpTo !== undefined && this.flushedUpTo !== from) return;
    this.flushedUpTo = next;
    const { epoch, partition } = this;
    const previous = this.inFlight;
    const { group, logger, stats } = this.context;
    this.inFlight = (async () => {
      await previous?.catch(() => undefined); // a failed flush poisoned the chain: checked next
      if (this.poison || this.epoch !== epoch) return;
      await group.commit(partition, next);
      stats.committed[partition] = next;
    })().catch((error: unknown) => {
      // Nothing is lost: the next segment's commit covers these offsets.
      logger.warn({ err: error, partition, offset: next }, 'commit past transaction markers failed');
    });
  }

  /**
   * Takes a batch's records into segments, scheduling flushes as they fill (call under the lock),
   * and reports the last record taken through `control.taken` (once per batch, not per record:
   * that keeps kafkajs' per-call bookkeeping off the hot path).
   */
  async take(messages: KafkaMessage[], control: BatchControl): Promise<void> {
    const cursor: { taken?: string } = {};
    try {
      await this.takeUntilStopped(messages, control, cursor);
    } finally {
      if (cursor.taken !== undefined) control.taken(cursor.taken);
    }
  }

  private async takeUntilStopped(
    messages: KafkaMessage[],
    control: BatchControl,
    cursor: { taken?: string },
  ): Promise<void> {
    const partition = this.partition;
    const { logger, policy } = this.context;
    // Staleness can only change across an await, so it is checked after each.
    const stale = () => control.stale() || this.poison !== undefined;
    if (stale()) return;
    for (const message of messages) {
      const offset = Number(message.offset);
      if (offset < (this.flushedUpTo ?? 0)) {
        cursor.taken = message.offset; // in a segment this process already wrote or is writing
        continue;
      }
      let segment = this.segment;
      if (segment && offset < segment.nextOffset) {
        if (offset > segment.firstOffset) {
          // Re-delivered from the middle of the open segment: restarting here would lose the
          // records before it, so the whole segment is read again.
          logger.info({ partition, offset, from: segment.firstOffset }, 'partition rewound mid-segment');
          this.rewind(segment.firstOffset);
          return;
        }
        // Re-delivered from the segment's start (rebalance, consumer restart): start over.
        logger.info(
          { partition, offset, buffered: segment.recordCount },
          'partition rewound; segment restarts',
        );
        this.segment = undefined;
        segment = undefined;
      }
      if (segment?.endsBefore(offset)) {
        await this.scheduleFlush(segment, 'pinned');
        segment = undefined;
        if (stale()) return;
      }
      if (!segment) {
        try {
          segment = await this.openSegment(offset);
        } catch (error) {
          // S3 unreachable: the records taken so far are in flushed segments; this one is fetched
          // again (the position stays at it).
          await control.backOff(offset, error);
          return;
        }
        this.segment = segment;
        if (stale()) return;
      }
      addRecordToSegment(this.context, segment, message, offset);
      cursor.taken = message.offset;
      if (segment.isFull(policy)) {
        await this.scheduleFlush(segment, segment.pinnedLastOffset !== null ? 'pinned' : 'size');
        await control.heartbeat();
        if (stale()) return;
      }
    }
    await this.rollIfAged();
  }

  /** Closes the open segment if the age roll applies (call under the lock). */
  async rollIfAged(): Promise<void> {
    const segment = this.segment;
    if (segment?.isAged(this.context.policy, this.now())) await this.scheduleFlush(segment, 'age');
  }

  /** Writes out the open segment and waits for every flush; throws if one failed (under the lock). */
  async finish(): Promise<void> {
    const segment = this.segment;
    if (segment && !segment.isEmpty) await this.scheduleFlush(segment, 'shutdown');
    await this.drain();
  }

  /** Waits for the partition's flushes; throws if one failed. */
  async drain(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    if (this.poison) throw this.poison.error;
  }

  private liftPoison(): void {
    this.poison = undefined;
    this.inFlight = undefined;
    this.epoch++;
  }

  /** Makes the consumer re-deliver the partition from `offset` (applied on its next fetch). */
  private rewind(offset: number): void {
    this.segment = undefined;
    try {
      this.context.group.seek(this.partition, offset);
    } catch (error) {
      // Not assigned any more: its next owner starts from the committed offset anyway.
      this.context.logger.warn({ err: error, partition: this.partition, offset }, 'could not seek');
    }
  }

  private async openSegment(offset: number): Promise<Segment> {
    const { s3, bucket, topic, logger } = this.context;
    const partition = this.partition;
    if (!this.tidied) {
      this.tidied = true;
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
    return new Segment(topic, partition, offset, this.now(), marker ? marker.lastOffset : null);
  }

  /**
   * Closes the open segment and writes it in the background, so the partition keeps decoding into
   * its next segment while the objects upload. Flushes run in order (each waits for the previous
   * one), and at most two are outstanding: the returned promise resolves once the previous one
   * finished (back-pressure). Call under the lock.
   */
  private async scheduleFlush(segment: Segment, reason: string): Promise<void> {
    const partition = this.partition;
    this.segment = undefined;
    if (this.poison) return; // its records are re-delivered after the rewind
    const tail = this.controlTail;
    this.controlTail = undefined;
    const end = tail?.from === segment.lastOffset + 1 ? tail.next : segment.lastOffset + 1;
    this.flushedUpTo = end;
    const epoch = this.epoch;
    const previous = this.inFlight;
    const job = (async () => {
      if (previous) await previous;
      if (this.poison || this.epoch !== epoch) {
        throw new S3SinkError(
          this.context.topic,
          partition,
          segment.firstOffset,
          'segment dropped: an earlier flush of the partition failed',
        );
      }
      await this.flush(segment, reason, end);
    })().catch((error: unknown) => {
      if (!this.poison && this.epoch === epoch) {
        this.poison = { error: error as Error, from: segment.firstOffset };
        this.flushedUpTo = undefined;
        this.context.logger.error(
          { err: error, partition, offset: segment.firstOffset },
          'segment flush failed; re-reading the partition from the lost segment',
        );
        this.rewind(segment.firstOffset);
      }
      throw error;
    });
    job.catch(() => undefined); // surfaced through `poison`
    this.inFlight = job;
    if (previous) await previous.catch(() => undefined);
  }

  /** Objects, dead letters, progress, commit, marker: a segment made durable and committed. */
  private async flush(segment: Segment, reason: string, next: number): Promise<void> {
    const { s3, bucket, topic, group, logger, metrics, stats, deadLetterTopic, groupId } = this.context;
    const partition = this.partition;
    const timer = metrics.flushSeconds.startTimer({ reason });
    const where = { topic, partition };
    // Retried here (S3 answering 503, a connection reset), then given up: the caller poisons the
    // chain and the partition is read again from this segment — the lake must hold exactly what
    // the speed layer aggregated (verify), so a segment is never dead-lettered instead of written.
    const result = await retryWithBackoff(
      () => writeSegmentObjects({ s3, bucket, partSize: this.context.partSize }, segment),
      this.context.retry ?? DEFAULT_SINK_RETRY_POLICY,
      (retry, error, delayMs) => {
        metrics.writeRetries.inc();
        logger.warn(
          { err: error, partition, offset: segment.firstOffset, retry, delayMs },
          'segment write failed; retrying',
        );
      },
    ).catch(async (error: unknown) => {
      metrics.writeFailures.inc();
      await this.raise(this.context.failures?.failed(error, where));
      throw error;
    });
    await this.raise(this.context.failures?.succeeded(where));
    if (segment.deadLetters.length > 0) {
      logger.warn(
        {
          partition,
          count: segment.deadLetters.length,
          deadLetterTopic,
          first: segment.deadLetters[0]!.headers['error.message'],
        },
        'invalid records sent to the dead-letter topic',
      );
      await group.sendDeadLetters(partition, segment.deadLetters);
    }
    // Before the commit: a crash in between re-writes the same objects and the same progress.
    await this.recordProgress(segment, next);
    try {
      await group.commit(partition, next);
    } catch (cause) {
      throw new S3SinkError(
        topic,
        partition,
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
    stats.committed[partition] = next;
    metrics.recordsArchived.inc({ partition: String(partition) }, segment.metrics.length);
    if (segment.deadLetters.length)
      metrics.deadLetters.inc({ partition: String(partition) }, segment.deadLetters.length);
    for (const letter of segment.deadLetters)
      metrics.deadLettersByReason.inc({ application: groupId, reason: letter.reason });
    for (const object of result.objects) {
      metrics.objectsWritten.inc({ multipart: String(object.multipart) });
      metrics.bytesWritten.inc(object.bytes);
    }
    logger.debug(
      {
        partition,
        firstOffset: segment.firstOffset,
        lastOffset: segment.lastOffset,
        records: segment.recordCount,
        objects: result.objects.length,
        reason,
      },
      'segment archived and committed',
    );
    try {
      // kafkajs' commitOffsets returns without committing when its runner is stopping (a crash in
      // progress, a concurrent partition's failure): only a commit the group coordinator confirms
      // retires the marker. A kept marker pins the re-run; it is tidied later.
      if (await group.isCommitted(partition, next)) {
        await deleteSegmentMarker(s3, bucket, topic, partition, segment.firstOffset);
      } else {
        logger.warn({ partition, offset: next }, 'commit not confirmed; segment marker kept');
      }
    } catch (error) {
      // Harmless leftover: no run starts below the committed offset, so nobody reads it again.
      logger.warn({ err: error, partition }, 'could not retire segment marker');
    }
  }

  /** Sends a sink alert; a failure to send is logged, not raised (the write's outcome stands). */
  private async raise(alert: SinkAlert | undefined): Promise<void> {
    if (!alert) return;
    const { group, logger, metrics } = this.context;
    metrics.alerts.inc({ type: alert.type });
    if (alert.type === 'sink-failing') logger.error({ alert }, 'sink failing: alert raised on meter-alerts');
    else logger.info({ alert }, 'sink recovered');
    try {
      await group.sendAlert?.(alert);
    } catch (error) {
      logger.warn({ err: error, alert }, 'could not send the sink alert to meter-alerts');
    }
  }

  /** Records, after a segment's objects are durable, how far the partition is in the lake. */
  private async recordProgress(segment: Segment, nextOffset: number): Promise<void> {
    const { s3, bucket, topic } = this.context;
    if (this.progress === undefined)
      this.progress = await readFlushProgress(s3, bucket, topic, this.partition);
    let maxEventTime = this.progress?.maxEventTime ?? null;
    for (const metric of segment.metrics)
      if (maxEventTime === null || metric.timestamp > maxEventTime) maxEventTime = metric.timestamp;
    const next: FlushProgress = {
      topic,
      partition: this.partition,
      nextOffset,
      maxEventTime,
      updatedAt: Date.now(),
    };
    await writeFlushProgress(s3, bucket, next);
    this.progress = next;
  }
}
