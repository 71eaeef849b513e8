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
import {
  existsSync,
  fsyncSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writevSync,
} from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { FileHandlePool } from './file-handles.js';
import { fsyncDir } from './fsync-dir.js';
import type { Flusher } from './flusher.js';
import { ProducerState, type AbortedTxn, type ProducerSnapshot } from './producer-state.js';
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  type BatchInfo,
  batchAttributes,
  buildControlBatch,
  decodeRecords,
  batchLastOffsetDelta,
  readBatchInfo,
  setBatchBaseOffset,
} from './record-batch.js';
import { Segment, segmentName } from './segment.js';

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The batch was a retry of one already stored; offsets are the original ones. */
  duplicate: boolean;
}

export interface ReadResult {
  batches: Buffer[];
  bytes: number;
}

interface Waiter {
  offset: number;
  resolve: () => void;
}

interface StateFile extends ProducerSnapshot {
  /** The snapshot describes the log up to (excluding) this offset. */
  offset: number;
  logStartOffset: number;
}

/** Bytes held by the tail caches of all partitions together (shared object). */
export interface CacheBudget {
  used: number;
  max: number;
}

export interface PartitionSettings {
  segmentBytes: number;
  tailCacheBytes: number;
}

export class PartitionLog {
  readonly segments: Segment[] = [];
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
  private cache: Buffer[] = [];
  private cacheBases: number[] = [];
  private cacheStart = 0;
  private cacheBytes = 0;
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
    private readonly budget: CacheBudget = { used: 0, max: Number.POSITIVE_INFINITY },
  ) {}

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
    this.cacheStart = this.nextOffset;
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
    const s = existsSync(this.statePath) ? this.readStateFile(logger) : undefined;
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
    this.scanHeaders(from, (batch, base) => this.applyToState(batch, base));
  }

  private readStateFile(logger?: { warn(obj: object, msg: string): void }): StateFile | undefined {
    const text = readFileSync(this.statePath, 'utf8');
    try {
      return JSON.parse(text) as StateFile;
    } catch (err) {
      logger?.warn(
        { partition: this.where, file: this.statePath, bytes: text.length, err: String(err) },
        'unreadable producer state snapshot (torn by a crash): rebuilding it from the log',
      );
      return undefined;
    }
  }

  private applyToState(batch: Buffer, base: number): void {
    const info = readBatchInfo(batch, 0);
    const last = base + info.lastOffsetDelta;
    if (info.attributes & ATTR_CONTROL) {
      // a control batch holds one record whose key says COMMIT (1) or ABORT (0)
      if (batch.length >= 61 + 8) {
        this.producers.onMarker(info.producerId, info.producerEpoch, controlType(batch) === 1, base);
      }
      return;
    }
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

  /** Calls fn with every stored batch whose base offset is >= from (reads whole segments). */
  scanHeaders(from: number, fn: (batch: Buffer, base: number) => void): void {
    for (const seg of this.segments) {
      if (seg.lastOffset < from || seg.batchCount === 0) continue;
      let i = Math.max(0, seg.findBatch(from));
      if (seg.bases[i] < from) i++;
      if (i >= seg.batchCount) continue;
      const startPos = seg.positions[i];
      const data = seg.read(startPos, seg.writtenSize - startPos);
      for (; i < seg.batchCount; i++) {
        const at = seg.positions[i] - startPos;
        const end = seg.batchEnd(i) - startPos;
        if (end > data.length) break;
        fn(data.subarray(at, end), seg.bases[i]);
      }
    }
  }

  /** Writes the producer snapshot (at segment roll and clean close). */
  saveState(): void {
    const s: StateFile = {
      offset: this.nextOffset,
      logStartOffset: this.logStartOffset,
      ...this.producers.snapshot(),
    };
    const tmp = `${this.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(s));
    renameSync(tmp, this.statePath);
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
    this.cache.push(batch);
    this.cacheBases.push(base);
    this.cacheBytes += batch.length;
    this.budget.used += batch.length;
    // Evict this partition's oldest batches past its own cap, or while all caches together are
    // over the broker-wide budget (the appending partition pays, so the budget holds overall).
    while (
      this.cache.length > 1 &&
      (this.cacheBytes > this.settings.tailCacheBytes || this.budget.used > this.budget.max)
    ) {
      const gone = this.cache.shift()!.length;
      this.cacheBytes -= gone;
      this.budget.used -= gone;
      this.cacheBases.shift();
      this.cacheStart = this.cacheBases[0];
    }
    if (this.cache.length === 1) this.cacheStart = base;
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
    // Batches emptied by compaction do not count as "the one batch always returned": kafkajs
    // cannot advance past a response holding only an empty batch, so one with records follows.
    let hasRecords = false;
    if (this.cache.length > 0 && offset >= this.cacheStart) {
      let i = bsearch(this.cacheBases, offset);
      if (i < 0) i = 0;
      for (; i < this.cache.length && this.cacheBases[i] < upperBound; i++) {
        const b = this.cache[i];
        if (hasRecords && out.bytes + b.length > maxBytes) break;
        out.batches.push(b);
        out.bytes += b.length;
        if (b.readInt32BE(57) > 0) hasRecords = true;
      }
      return out;
    }
    let next = offset;
    for (const seg of this.segments) {
      if (seg.lastOffset < next || seg.batchCount === 0) continue;
      let i = Math.max(0, seg.findBatch(next));
      const startPos = seg.positions[i];
      let endPos = startPos;
      for (; i < seg.batchCount && seg.bases[i] < upperBound; i++) {
        const end = seg.batchEnd(i);
        if (end > seg.writtenSize) break;
        if (hasRecords && out.bytes + (end - startPos) > maxBytes) break;
        if (!hasRecords) hasRecords = seg.read(seg.positions[i] + 57, 4).readInt32BE(0) > 0;
        endPos = end;
        next = i + 1 < seg.batchCount ? seg.bases[i + 1] : seg.lastOffset + 1;
      }
      if (endPos > startPos) {
        const data = seg.read(startPos, endPos - startPos);
        out.batches.push(data);
        out.bytes += data.length;
      }
      if (i < seg.batchCount || (hasRecords && out.bytes >= maxBytes) || next >= upperBound) break;
    }
    return out;
  }

  /** Approximate bytes stored between two offsets (for Fetch minBytes). */
  bytesBetween(from: number, to: number): number {
    if (to <= from) return 0;
    return Math.max(1, this.positionOf(to) - this.positionOf(from));
  }

  /** A global byte position (sum of segment sizes before + position inside) of an offset. */
  private positionOf(offset: number): number {
    let before = 0;
    for (const seg of this.segments) {
      if (offset <= seg.lastOffset) {
        const i = seg.findBatch(offset);
        return before + (i < 0 ? 0 : seg.positions[i]);
      }
      before += seg.size;
    }
    return before;
  }

  abortedTransactions(from: number, to: number): AbortedTxn[] {
    return this.producers.abortedBetween(from, to);
  }

  /** Offset of the first batch whose max timestamp is >= ts (ListOffsets by time), or -1. */
  offsetForTimestamp(ts: number): number {
    for (const seg of this.segments) {
      if (seg.batchCount === 0 || (seg !== this.activeSegment && seg.maxTimestamp < ts)) continue;
      const data = seg.read(0, seg.writtenSize);
      for (let i = 0; i < seg.batchCount; i++) {
        const at = seg.positions[i];
        if (at + 61 > data.length) break;
        if (Number(data.readBigInt64BE(at + 35)) >= ts && seg.bases[i] >= this.logStartOffset) {
          return this.firstRecordAtOrAfter(data.subarray(at, seg.batchEnd(i)), seg.bases[i], ts);
        }
      }
    }
    return -1;
  }

  /** The offset of the first record in the batch with timestamp >= ts (the base if unreadable). */
  private firstRecordAtOrAfter(batch: Buffer, base: number, ts: number): number {
    if (batchAttributes(batch) & ATTR_CONTROL) return base;
    const records = decodeRecords(batch);
    if (!records) return base; // a codec we cannot decode: the batch start is the best we know
    const baseTimestamp = Number(batch.readBigInt64BE(27));
    for (const r of records) if (baseTimestamp + r.timestampDelta >= ts) return base + r.offsetDelta;
    return base;
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
    while (this.cache.length > 0 && this.cacheBases[0] < offset) {
      const gone = this.cache.shift()!.length;
      this.cacheBytes -= gone;
      this.budget.used -= gone;
      this.cacheBases.shift();
    }
    this.cacheStart = this.cache.length > 0 ? this.cacheBases[0] : this.nextOffset;
  }

  /** Replaces a closed segment's files with compacted content (see compaction.ts). */
  replaceSegment(old: Segment, batches: Buffer[]): void {
    const i = this.segments.indexOf(old);
    if (i < 0 || i === this.segments.length - 1)
      throw new Error(`${this.where}: cannot replace active segment`);
    const tmpDir = join(this.dir, `${segmentName(old.baseOffset)}.cleaned`);
    mkdirSync(tmpDir, { recursive: true });
    const fresh = new Segment(tmpDir, old.baseOffset, this.files);
    fresh.openForWrite(); // creates both files, even for an empty result
    for (const b of batches) fresh.track(Number(b.readBigInt64BE(0)), b);
    if (batches.length > 0) writeAll(fresh.logFd, batches, 0);
    if (fresh.batchCount > 0) writeAll(fresh.indexFd, [fresh.indexEntries(0, fresh.batchCount)], 0);
    fresh.close();
    old.close();
    renameSync(fresh.logPath, old.logPath);
    renameSync(fresh.indexPath, old.indexPath);
    rmSync(tmpDir, { recursive: true, force: true });
    const reopened = new Segment(this.dir, old.baseOffset, this.files);
    reopened.loadFromIndex();
    if (reopened.batchCount === 0) reopened.lastOffset = old.lastOffset;
    // An emptied segment still covers its offsets, so the next segment's base stays consistent.
    reopened.lastOffset = Math.max(reopened.lastOffset, old.lastOffset);
    this.segments[i] = reopened;
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

/** COMMIT (1) or ABORT (0) from a control batch's single record key. */
export function controlType(batch: Buffer): number {
  // record: length varint, attributes i8, timestampDelta varlong, offsetDelta varint, keyLen varint, key...
  let at = 61;
  const skipVarint = () => {
    while (batch[at++] & 0x80) {
      /* continuation byte */
    }
  };
  skipVarint(); // length
  at++; // attributes
  skipVarint(); // timestamp delta
  skipVarint(); // offset delta
  skipVarint(); // key length
  return batch.readInt16BE(at + 2);
}

function writeAll(fd: number, bufs: Buffer[], position: number): void {
  let pos = position;
  let rest = bufs;
  while (rest.length > 0) {
    let n = writevSync(fd, rest, pos);
    pos += n;
    // writev may write partially: drop what was written and retry with the remainder
    const next: Buffer[] = [];
    for (const b of rest) {
      if (n >= b.length) n -= b.length;
      else {
        next.push(n > 0 ? b.subarray(n) : b);
        n = 0;
      }
    }
    rest = next;
  }
}

function resolveUpTo(waiters: Waiter[], offset: number): void {
  let k = 0;
  while (k < waiters.length && waiters[k].offset < offset) k++;
  if (k === 0) return;
  const done = waiters.splice(0, k);
  for (const w of done) w.resolve();
}

/** Index of the last element <= x (-1 if none). */
function bsearch(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
