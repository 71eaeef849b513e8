/**
 * One log segment: `<baseOffset>.log` holds record batches back to back, `<baseOffset>.index`
 * one 8-byte entry per batch (offset relative to the segment base, byte position). The whole
 * batch table is also kept in memory (two number arrays), so finding the batch that holds an
 * offset is a binary search without I/O. The files are opened on demand through the broker's
 * FileHandlePool, which closes the least recently used ones beyond its limit.
 */
import {
  fstatSync,
  ftruncateSync,
  mkdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
  writevSync,
} from 'node:fs';
import { join } from 'node:path';
import type { FileHandlePool, PooledFile } from './file-handles.js';
import { BATCH_HEADER_BYTES, batchLastOffsetDelta, batchMaxTimestamp, batchSize } from './record-batch.js';
import { crc32c } from './crc32c.js';

export const segmentName = (base: number) => String(base).padStart(20, '0');

export class Segment {
  /** Absolute base offset of each batch, ascending. */
  bases: number[] = [];
  /** Byte position of each batch in the .log file. */
  positions: number[] = [];
  /** Logical size: every batch appended so far (written or still pending). */
  size = 0;
  /** Bytes handed to the OS so far. */
  writtenSize = 0;
  /** Index entries handed to the OS so far. */
  writtenEntries = 0;
  /** Last offset contained (base - 1 while empty). */
  lastOffset: number;
  maxTimestamp = -1;
  /**
   * When this process opened or created the segment (wall clock): segment.ms rolls the active
   * segment this long after it. Record timestamps are not used — replayed history carries
   * timestamps from years ago and would roll a segment at every pass.
   */
  readonly openedAt = Date.now();
  readonly log: PooledFile;
  readonly index: PooledFile;
  /** fsyncs in flight on this segment's file descriptors (deletion waits for them). */
  syncing = 0;
  /** Data written since the last fsync. */
  dirtySinceSync = false;
  /**
   * A new segment whose files may not exist yet: they are created by the first write, which then
   * fsyncs the directory so that their entries survive a power loss.
   */
  isNew: boolean;

  constructor(
    readonly dir: string,
    readonly baseOffset: number,
    pool: FileHandlePool,
    options: { isNew?: boolean } = {},
  ) {
    this.lastOffset = baseOffset - 1;
    this.log = pool.file(this.logPath);
    this.index = pool.file(this.indexPath);
    this.isNew = options.isNew ?? false;
  }

  /** The .log descriptor (opened on demand); valid until the next open of another pooled file. */
  get logFd(): number {
    return this.log.get();
  }
  get indexFd(): number {
    return this.index.get();
  }
  /** Opens both files (a write needs both); returns the .log descriptor. */
  openForWrite(): number {
    this.index.get();
    return this.log.get();
  }

  get logPath(): string {
    return join(this.dir, `${segmentName(this.baseOffset)}.log`);
  }
  get indexPath(): string {
    return join(this.dir, `${segmentName(this.baseOffset)}.index`);
  }
  get batchCount(): number {
    return this.bases.length;
  }

  /** Records a batch in the in-memory table; returns its position. */
  track(base: number, batch: Buffer): number {
    const pos = this.size;
    this.bases.push(base);
    this.positions.push(pos);
    this.size += batch.length;
    this.lastOffset = base + batchLastOffsetDelta(batch);
    const ts = batchMaxTimestamp(batch);
    if (ts > this.maxTimestamp) this.maxTimestamp = ts;
    return pos;
  }

  /** Index of the last batch whose base offset is <= offset (-1 if none). */
  findBatch(offset: number): number {
    let lo = 0;
    let hi = this.bases.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.bases[mid] <= offset) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  batchEnd(i: number): number {
    return i + 1 < this.positions.length ? this.positions[i + 1] : this.size;
  }

  /** Index entries for batches [from, to) as one buffer. */
  indexEntries(from: number, to: number): Buffer {
    const b = Buffer.allocUnsafe((to - from) * 8);
    for (let i = from; i < to; i++) {
      b.writeInt32BE(this.bases[i] - this.baseOffset, (i - from) * 8);
      b.writeInt32BE(this.positions[i], (i - from) * 8 + 4);
    }
    return b;
  }

  read(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    const fd = this.logFd;
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return got === length ? buf : buf.subarray(0, got);
  }

  /**
   * Rebuilds the batch table from the .index file, trusting it (used for closed segments, whose
   * files were fsync'ed when the segment was rolled). Falls back to a scan when it looks wrong.
   */
  loadFromIndex(): void {
    const logBytes = fstatSync(this.logFd).size;
    const idxBytes = fstatSync(this.indexFd).size;
    const entries = Math.floor(idxBytes / 8);
    if (entries === 0 && logBytes > 0) {
      this.recover();
      return;
    }
    const idx = Buffer.allocUnsafe(entries * 8);
    readSync(this.indexFd, idx, 0, idx.length, 0);
    this.bases = [];
    this.positions = [];
    for (let i = 0; i < entries; i++) {
      this.bases.push(this.baseOffset + idx.readInt32BE(i * 8));
      this.positions.push(idx.readInt32BE(i * 8 + 4));
    }
    this.size = logBytes;
    this.writtenSize = logBytes;
    this.writtenEntries = entries;
    if (entries > 0) {
      const lastPos = this.positions[entries - 1];
      const head = this.read(lastPos, BATCH_HEADER_BYTES);
      if (head.length < BATCH_HEADER_BYTES || lastPos + batchSize(head) !== logBytes) {
        this.recover();
        return;
      }
      this.lastOffset = this.bases[entries - 1] + batchLastOffsetDelta(head);
      // The max timestamp of a closed segment only matters for time retention; the last batch's
      // is a close lower bound and avoids reading every header.
      this.maxTimestamp = batchMaxTimestamp(head);
    }
  }

  /**
   * Scans the .log file batch by batch, checking lengths and CRCs, truncates a torn or corrupt
   * tail (a crash mid-write), and rewrites the index. Returns the number of bytes cut off.
   */
  recover(): number {
    const logBytes = fstatSync(this.logFd).size;
    this.bases = [];
    this.positions = [];
    this.size = 0;
    this.lastOffset = this.baseOffset - 1;
    this.maxTimestamp = -1;
    const CHUNK = 8 * 1024 * 1024;
    let pos = 0;
    let buf: Buffer = Buffer.alloc(0);
    let bufStart = 0;
    while (pos < logBytes) {
      if (pos + BATCH_HEADER_BYTES > logBytes) break;
      if (pos < bufStart || pos + BATCH_HEADER_BYTES > bufStart + buf.length) {
        buf = this.read(pos, Math.min(CHUNK, logBytes - pos));
        bufStart = pos;
      }
      const size = batchSize(buf, pos - bufStart);
      if (size < BATCH_HEADER_BYTES || pos + size > logBytes || buf[pos - bufStart + 16] !== 2) break;
      if (pos + size > bufStart + buf.length) {
        buf = this.read(pos, Math.max(size, Math.min(CHUNK, logBytes - pos)));
        bufStart = pos;
      }
      const at = pos - bufStart;
      if (crc32c(buf, at + 21, at + size) !== buf.readUInt32BE(at + 17)) break;
      const base = Number(buf.readBigInt64BE(at));
      if (base <= this.lastOffset) break;
      this.track(base, buf.subarray(at, at + size));
      pos += size;
    }
    const cut = logBytes - pos;
    if (cut > 0) ftruncateSync(this.logFd, pos);
    this.writtenSize = this.size;
    ftruncateSync(this.indexFd, 0);
    if (this.bases.length > 0)
      writeSync(this.indexFd, this.indexEntries(0, this.bases.length), 0, undefined, 0);
    this.writtenEntries = this.bases.length;
    return cut;
  }

  /** Closes both files for good (the segment is dropped, replaced or the broker stops). */
  close(): void {
    this.log.retire();
    this.index.retire();
  }
}

/**
 * Writes `batches` as the new content of the closed segment `old` — into a `.cleaned` directory
 * beside it, then renamed over its files — and returns the segment reopened (compaction).
 */
export function rewriteSegment(old: Segment, batches: Buffer[], files: FileHandlePool): Segment {
  const tmpDir = join(old.dir, `${segmentName(old.baseOffset)}.cleaned`);
  mkdirSync(tmpDir, { recursive: true });
  const fresh = new Segment(tmpDir, old.baseOffset, files);
  fresh.openForWrite(); // creates both files, even for an empty result
  for (const b of batches) fresh.track(Number(b.readBigInt64BE(0)), b);
  if (batches.length > 0) writeAll(fresh.logFd, batches, 0);
  if (fresh.batchCount > 0) writeAll(fresh.indexFd, [fresh.indexEntries(0, fresh.batchCount)], 0);
  fresh.close();
  old.close();
  renameSync(fresh.logPath, old.logPath);
  renameSync(fresh.indexPath, old.indexPath);
  rmSync(tmpDir, { recursive: true, force: true });
  const reopened = new Segment(old.dir, old.baseOffset, files);
  reopened.loadFromIndex();
  if (reopened.batchCount === 0) reopened.lastOffset = old.lastOffset;
  // An emptied segment still covers its offsets, so the next segment's base stays consistent.
  reopened.lastOffset = Math.max(reopened.lastOffset, old.lastOffset);
  return reopened;
}

/** Writes all of `bufs` at `position`, retrying the rest when writev writes only part. */
export function writeAll(fd: number, bufs: Buffer[], position: number): void {
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
