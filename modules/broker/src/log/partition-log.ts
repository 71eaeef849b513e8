/**
 * The log of one partition: a list of segments, the offsets that matter (log start, log end,
 * high watermark, last stable), producer/transaction state, and an in-memory tail cache of the
 * most recent batches so consumers that keep up are served without touching files.
 *
 * Offsets are JS numbers inside the log (exact to 2^53) and bigint at the protocol boundary.
 *
 * Appends are synchronous and only touch memory: the batch gets its offset, joins the pending
 * list and the tail cache. The Flusher writes pending batches to the segment files on the next
 * event-loop turn and fsyncs them (group commit). Two offsets follow the data:
 * - the high watermark — what consumers may read (Fetch, ListOffsets latest, DeleteRecords) —
 *   advances as soon as data is written to the OS, whatever the policy. That is when acks=1 is
 *   answered, and the high watermark must cover everything acknowledged: a producer told its
 *   record is stored must find it (a single-replica Kafka behaves the same).
 * - the durable offset — what acks=-1 and transaction markers wait for — advances after the fsync
 *   round (policy `fsync`) or with the write (policy `write`).
 * Under `fsync` a consumer may thus read a record that is written but not yet fsync'ed; a power
 * loss (not a SIGKILL of the broker: the page cache survives that) can take such a record back.
 * Recovery then truncates the log to what reached the disk, as Kafka's recovery does.
 */
import { fsyncSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { FileHandlePool } from './file-handles.js';
import { fsyncDir } from './fsync-dir.js';
import type { Flusher } from './flusher.js';
import { ProducerState, type AbortedTxn } from './producer-state.js';
import {
  type ProducerStateFile,
  readProducerStateFile,
  replayBatch,
  writeProducerStateFile,
} from './producer-snapshot.js';
import {
  ATTR_TRANSACTIONAL,
  type BatchInfo,
  buildControlBatch,
  batchLastOffsetDelta,
  setBatchBaseOffset,
} from './record-batch.js';
import {
  bytePositionOf,
  offsetForTimestamp,
  type ReadResult,
  readSegments,
  scanBatches,
} from './segment-reads.js';
import { rewriteSegment, Segment, writeAll } from './segment.js';
import { type CacheBudget, TailCache } from './tail-cache.js';

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The batch was a retry of one already stored; offsets are the original ones. */
  duplicate: boolean;
}

interface Waiter {
  offset: number;
  resolve: () => void;
}

export interface PartitionSettings {
  segmentBytes: number;
  tailCacheBytes: number;
}

export class PartitionLog {
  readonly segments: Segment[] = [];
  cleanedUpTo = 0; // offsets below: covered by the last compaction pass (compaction.ts, in memory)
  readonly producers = new ProducerState();
  logStartOffset = 0;
  /** Next offset to assign. */
  nextOffset = 0;
  /** Offsets below this are written to the OS. */
  writtenOffset = 0;
  /** Offsets below this are readable by consumers: everything written to the OS (any policy). */
  highWatermark = 0;
  /** Offsets below this are durable per policy (fsync'ed under `fsync`, written under `write`). */
  durableOffset = 0;
  /** Batches appended but not yet written: [segment, batch]. */
  private pending: { seg: Segment; batch: Buffer }[] = [];
  private readonly cache: TailCache;
  private writeWaiters: Waiter[] = [];
  private durableWaiters: Waiter[] = [];
  /** Set when the topic is deleted; appends and reads then fail. */
  deleted = false;

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly dir: string,
    private readonly flusher: Flusher,
    private readonly files: FileHandlePool,
    private settings: PartitionSettings,
    budget: CacheBudget = { used: 0, max: Number.POSITIVE_INFINITY },
  ) {
    this.cache = new TailCache(budget);
  }

  get where(): string {
    return `${this.topic}-${this.index}`;
  }
  get logEndOffset(): number {
    return this.nextOffset;
  }
  /** Offsets below this hold no undecided transactional data (READ_COMMITTED reads stop here). */
  get lastStableOffset(): number {
    const first = this.producers.firstUnstableOffset();
    return first === undefined ? this.highWatermark : Math.min(first, this.highWatermark);
  }
  get activeSegment(): Segment {
    return this.segments[this.segments.length - 1];
  }
  get sizeBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  updateSettings(settings: PartitionSettings): void {
    this.settings = settings;
  }

  // ------------------------------------------------------------------ open and recovery

  /**
   * Starts a partition that has no data yet, without any I/O: its directory exists (the topic
   * manager made it) and the first segment's files are created by the first write.
   */
  initEmpty(): void {
    this.segments.push(new Segment(this.dir, 0, this.files, { isNew: true }));
  }

  /** Opens the partition directory, truncating a torn tail left by a crash. */
  open(logger: { warn(obj: object, msg: string): void }): void {
    mkdirSync(this.dir, { recursive: true });
    const bases = readdirSync(this.dir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => Number(f.slice(0, -4)))
      .sort((a, b) => a - b);
    for (const f of readdirSync(this.dir)) {
      if (f.endsWith('.cleaned') || f.endsWith('.tmp')) rmSync(join(this.dir, f), { recursive: true });
    }
    if (bases.length === 0) {
      // never written: nothing to recover, and no file to open until the first write
      this.initEmpty();
      this.restoreState(logger);
      return;
    }
    bases.forEach((base, i) => {
      const seg = new Segment(this.dir, base, this.files);
      if (i < bases.length - 1) seg.loadFromIndex();
      else {
        const cut = seg.recover();
        if (cut > 0)
          logger.warn({ partition: this.where, segment: seg.logPath, bytes: cut }, 'truncated torn log tail');
      }
      this.segments.push(seg);
    });
    const active = this.activeSegment;
    this.nextOffset = Math.max(active.lastOffset + 1, active.baseOffset);
    this.writtenOffset = this.nextOffset;
    this.highWatermark = this.nextOffset;
    this.durableOffset = this.nextOffset;
    this.logStartOffset = this.segments[0].bases[0] ?? this.segments[0].baseOffset;
    this.restoreState(logger);
  }

  private get statePath(): string {
    return join(this.dir, 'state.json');
  }

  /**
   * Loads the producer/transaction snapshot and replays batch headers written after it. The
   * snapshot is written without fsync (at roll, DeleteRecords, clean close), so after a power loss
   * it may be torn, or describe records the log lost (acks=0/1 data not yet fsync'ed): then the
   * state is rebuilt from the batches that remain, so that sequence numbers and open transactions
   * agree with the truncated log.
   */
  private restoreState(logger?: { warn(obj: object, msg: string): void }): void {
    let from = this.segments[0].baseOffset;
    const s = readProducerStateFile(this.statePath, this.where, logger);
    if (s && s.offset <= this.nextOffset) {
      this.producers.restore(s);
      from = s.offset;
      this.logStartOffset = Math.max(this.logStartOffset, s.logStartOffset);
    } else if (s) {
      logger?.warn(
        { partition: this.where, snapshotOffset: s.offset, logEndOffset: this.nextOffset },
        'producer state snapshot is ahead of the recovered log: rebuilding it from the log',
      );
      // a DeleteRecords before the crash still holds, up to what is left
      this.logStartOffset = Math.max(this.logStartOffset, Math.min(s.logStartOffset, this.nextOffset));
    }
    this.scanHeaders(from, (batch, base) => replayBatch(this.producers, batch, base));
  }

  /** Calls fn with every stored batch whose base offset is >= from (reads whole segments). */
  scanHeaders(from: number, fn: (batch: Buffer, base: number) => void): void {
    scanBatches(this.segments, from, fn);
  }

  /** Writes the producer snapshot (at segment roll and clean close). */
  saveState(): void {
    const state: ProducerStateFile = {
      offset: this.nextOffset,
      logStartOffset: this.logStartOffset,
      ...this.producers.snapshot(),
    };
    writeProducerStateFile(this.statePath, state);
  }

  // ------------------------------------------------------------------ append

  /**
   * Appends validated client batches (slices of `records`, patched in place with their offsets).
   * Synchronous: the returned offsets are final; durability is awaited with whenWritten /
   * whenReadable.
   */
  append(records: Buffer, infos: BatchInfo[]): AppendResult {
    if (this.deleted) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${this.where} was deleted`);
    // Check every batch first so a rejected request leaves the log untouched.
    for (const info of infos) {
      const dup = this.producers.check(
        info.producerId,
        info.producerEpoch,
        info.baseSequence,
        info.recordCount,
        this.where,
      );
      if (dup) {
        if (infos.length === 1) {
          return {
            baseOffset: dup.duplicateOf.baseOffset,
            lastOffset: dup.duplicateOf.lastOffset,
            duplicate: true,
          };
        }
        throw new KafkaError(
          ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
          `${this.where}: duplicate batch in multi-batch produce`,
        );
      }
    }
    let first = -1;
    let last = -1;
    for (const info of infos) {
      const batch = records.subarray(info.start, info.start + info.size);
      const base = this.appendBatch(batch);
      if (first < 0) first = base;
      last = base + info.lastOffsetDelta;
      this.producers.onAppend(
        info.producerId,
        info.producerEpoch,
        info.baseSequence,
        info.recordCount,
        base,
        last,
        (info.attributes & ATTR_TRANSACTIONAL) !== 0,
      );
    }
    return { baseOffset: first, lastOffset: last, duplicate: false };
  }

  /**
   * Appends a COMMIT or ABORT marker for producerId; resolves once it is durable (consumers see it
   * from the write on; EndTxn is answered only after this, as acks=-1 is).
   */
  async appendTxnMarker(
    producerId: bigint,
    producerEpoch: number,
    commit: boolean,
    coordinatorEpoch: number,
  ): Promise<number> {
    if (this.deleted) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${this.where} was deleted`);
    const batch = buildControlBatch(producerId, producerEpoch, commit, coordinatorEpoch, Date.now());
    const offset = this.appendBatch(batch);
    this.producers.onMarker(producerId, producerEpoch, commit, offset);
    await this.whenDurable(offset);
    return offset;
  }

  private appendBatch(batch: Buffer): number {
    const base = this.nextOffset;
    setBatchBaseOffset(batch, base);
    batch.writeInt32BE(0, 12); // partition leader epoch: one broker, epoch 0
    let seg = this.activeSegment;
    if (seg.size > 0 && seg.size + batch.length > this.settings.segmentBytes) seg = this.roll();
    seg.track(base, batch);
    this.nextOffset = base + batchLastOffsetDelta(batch) + 1;
    this.pending.push({ seg, batch });
    this.cache.add(base, batch, this.settings.tailCacheBytes);
    this.flusher.markDirty(this);
    return base;
  }

  /** Starts a new active segment at the next offset (its files are created by the first write). */
  roll(): Segment {
    const seg = new Segment(this.dir, this.nextOffset, this.files, { isNew: true });
    this.segments.push(seg);
    this.flusher.markRolled(this.segments[this.segments.length - 2]);
    this.saveState();
    return seg;
  }

  // ------------------------------------------------------------------ flushing (called by Flusher)

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Writes pending batches (and their index entries) to the segment files. */
  writePending(): Set<Segment> {
    const touched = new Set<Segment>();
    let i = 0;
    while (i < this.pending.length) {
      const seg = this.pending[i].seg;
      const bufs: Buffer[] = [];
      let bytes = 0;
      while (i < this.pending.length && this.pending[i].seg === seg && bufs.length < 1000) {
        bufs.push(this.pending[i].batch);
        bytes += this.pending[i].batch.length;
        i++;
      }
      // Both files are opened before anything is written, so that running out of descriptors
      // fails the round cleanly (the batches stay pending) instead of after half of it.
      const logFd = seg.openForWrite();
      if (seg.isNew) {
        // The new files' directory entries must be durable too, or a power loss could lose them.
        fsyncDir(seg.dir);
        seg.isNew = false;
      }
      writeAll(logFd, bufs, seg.writtenSize);
      seg.writtenSize += bytes;
      const entries = seg.batchCount;
      if (entries > seg.writtenEntries) {
        writeAll(seg.indexFd, [seg.indexEntries(seg.writtenEntries, entries)], seg.writtenEntries * 8);
        seg.writtenEntries = entries;
      }
      seg.dirtySinceSync = true;
      touched.add(seg);
    }
    this.pending = [];
    this.writtenOffset = this.nextOffset;
    // Visible before anyone is told it is stored: the acks=1 answers resolved just below are
    // sent on a later turn, and a ListOffsets that follows one must count the records.
    this.highWatermark = this.writtenOffset;
    resolveUpTo(this.writeWaiters, this.writtenOffset);
    return touched;
  }

  /** Marks offsets below `offset` durable (after the fsync round, or the write under `write`). */
  advanceDurable(offset: number): void {
    if (offset <= this.durableOffset) return;
    this.durableOffset = offset;
    resolveUpTo(this.durableWaiters, offset);
  }

  /** Resolves once `offset` is written to the OS and readable by consumers (acks=1). */
  whenWritten(offset: number): Promise<void> {
    if (offset < this.writtenOffset) return Promise.resolve();
    return new Promise((resolve) => this.writeWaiters.push({ offset, resolve }));
  }

  /** Resolves once `offset` is durable per the fsync policy (acks=-1, transaction markers). */
  whenDurable(offset: number): Promise<void> {
    if (offset < this.durableOffset) return Promise.resolve();
    return new Promise((resolve) => this.durableWaiters.push({ offset, resolve }));
  }

  // ------------------------------------------------------------------ read

  /**
   * Whole batches from `offset` up to (excluding) `upperBound`, about maxBytes in total but at
   * least one batch. Batches come from the tail cache or the segment files.
   */
  read(offset: number, maxBytes: number, upperBound: number): ReadResult {
    const out: ReadResult = { batches: [], bytes: 0 };
    if (offset >= upperBound) return out;
    if (this.cache.covers(offset)) this.cache.read(offset, maxBytes, upperBound, out);
    else readSegments(this.segments, offset, maxBytes, upperBound, out);
    return out;
  }

  /** Approximate bytes stored between two offsets (for Fetch minBytes). */
  bytesBetween(from: number, to: number): number {
    if (to <= from) return 0;
    return Math.max(1, bytePositionOf(this.segments, to) - bytePositionOf(this.segments, from));
  }

  abortedTransactions(from: number, to: number): AbortedTxn[] {
    return this.producers.abortedBetween(from, to);
  }

  /** Offset of the first record with timestamp >= ts (ListOffsets by time), or -1. */
  offsetForTimestamp(ts: number): number {
    return offsetForTimestamp(this.segments, this.logStartOffset, ts);
  }

  // ------------------------------------------------------------------ deletion of old data

  /** DeleteRecords: moves the log start offset forward and drops segments wholly below it. */
  deleteRecordsBefore(offset: number): number {
    if (offset > this.highWatermark || offset < 0) {
      throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `${this.where}: cannot delete before ${offset}`);
    }
    if (offset > this.logStartOffset) {
      this.logStartOffset = offset;
      this.dropSegmentsBelow(offset);
      this.producers.pruneBelow(offset);
      this.saveState();
    }
    return this.logStartOffset;
  }

  /** Deletes closed segments whose data lies entirely below `offset`. */
  dropSegmentsBelow(offset: number): number {
    let dropped = 0;
    while (this.segments.length > 1) {
      const seg = this.segments[0];
      const next = this.segments[1];
      if (next.baseOffset > offset || seg.syncing > 0 || seg.writtenSize < seg.size) break;
      this.segments.shift();
      seg.close();
      rmSync(seg.logPath, { force: true });
      rmSync(seg.indexPath, { force: true });
      dropped++;
    }
    const first = this.segments[0];
    this.logStartOffset = Math.max(this.logStartOffset, first.bases[0] ?? first.baseOffset);
    this.dropCacheBelow(this.logStartOffset);
    return dropped;
  }

  /** Time and size retention (never deletes the active segment). Returns segments deleted. */
  applyRetention(retentionMs: number, retentionBytes: number, now: number): number {
    let dropped = 0;
    if (retentionMs >= 0) {
      while (this.segments.length > 1) {
        const seg = this.segments[0];
        if (seg.maxTimestamp >= now - retentionMs) break;
        const n = this.dropSegmentsBelow(this.segments[1].baseOffset);
        if (n === 0) break;
        dropped += n;
      }
    }
    if (retentionBytes >= 0) {
      while (this.segments.length > 1 && this.sizeBytes - this.segments[0].size >= retentionBytes) {
        const n = this.dropSegmentsBelow(this.segments[1].baseOffset);
        if (n === 0) break;
        dropped += n;
      }
    }
    if (dropped > 0) {
      this.producers.pruneBelow(this.logStartOffset);
      this.saveState();
    }
    return dropped;
  }

  /** Forgets cached batches below an offset (after deletion or compaction rewrote them). */
  dropCacheBelow(offset: number): void {
    this.cache.dropBelow(offset);
  }

  /** Replaces a closed segment's files with compacted content (see compaction.ts). */
  replaceSegment(old: Segment, batches: Buffer[]): void {
    const i = this.segments.indexOf(old);
    if (i < 0 || i === this.segments.length - 1)
      throw new Error(`${this.where}: cannot replace active segment`);
    this.segments[i] = rewriteSegment(old, batches, this.files);
  }

  /** Clean shutdown: everything written is fsync'ed before the files close (any policy). */
  close(): void {
    this.dropCacheBelow(Number.MAX_SAFE_INTEGER);
    for (const seg of this.segments) {
      if (!this.deleted && seg.writtenSize > 0) {
        fsyncSync(seg.logFd);
        fsyncSync(seg.indexFd);
      }
      seg.close();
    }
  }

  /** Releases every waiting produce on deletion/close, so no request hangs forever. */
  wakeAll(): void {
    resolveUpTo(this.writeWaiters, Number.MAX_SAFE_INTEGER);
    resolveUpTo(this.durableWaiters, Number.MAX_SAFE_INTEGER);
  }
}

function resolveUpTo(waiters: Waiter[], offset: number): void {
  let k = 0;
  while (k < waiters.length && waiters[k].offset < offset) k++;
  if (k === 0) return;
  const done = waiters.splice(0, k);
  for (const w of done) w.resolve();
}
