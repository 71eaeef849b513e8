/**
 * Log compaction (cleanup.policy=compact): keep only the latest record per key, drop tombstones
 * (null values) and records of aborted transactions, in every closed segment. Like Kafka, the
 * active segment is never rewritten, but its keys count when deciding what is superseded.
 *
 * Only the compaction pass parses individual records; it decompresses gzip batches (node:zlib)
 * and rewrites changed batches uncompressed, keeping base offset, lastOffsetDelta and producer
 * fields so offsets are never reused. Batches in codecs we cannot decode (snappy, lz4, zstd) are
 * kept untouched.
 *
 * A pass decodes every record of the log, which on a large changelog takes seconds: it yields to
 * the event loop every YIELD_EVERY_RECORDS records so produce and fetch requests keep being
 * answered (run synchronously, a pass held a live aggregator's changelog broker silent for up to
 * ~10 s). What can change meanwhile is safe: appends only supersede more records (a record is
 * dropped only when a later offset of its key was seen), a segment that retention, DeleteRecords or
 * another pass replaced is skipped, a deleted partition ends the pass. Like Kafka's cleaner, a
 * partition is cleaned only once the closed bytes written since its last pass reach
 * min.cleanable.dirty.ratio of its closed bytes (unless forced).
 */
import type { Logger } from 'pino';
import type { PartitionLog } from './partition-log.js';
import type { Segment } from './segment.js';
import { segmentBatches } from './segment-reads.js';
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  buildBatch,
  decodeRecords,
  readBatchInfo,
} from './record-batch.js';

const keyOf = (k: Buffer) => k.toString('latin1');

/** Records decoded between two yields to the event loop. */
export const YIELD_EVERY_RECORDS = 10_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Partitions with a pass under way (a timer pass and an admin pass must not overlap). */
const inProgress = new WeakSet<PartitionLog>();

export interface CompactionOptions {
  /** min.cleanable.dirty.ratio: the share of closed bytes written since the last pass. */
  readonly minCleanableDirtyRatio: number;
  /** Clean whatever the ratio (tests and admin tools). */
  readonly force?: boolean;
}

export interface CompactionResult {
  /** Whether a pass ran (false: too little dirty, nothing closed, or a pass already running). */
  readonly ran: boolean;
  readonly removed: number;
}

/** Compacts one partition when enough of it is dirty. */
export async function compactPartition(
  p: PartitionLog,
  logger: Logger,
  options: CompactionOptions,
): Promise<CompactionResult> {
  const idle = { ran: false, removed: 0 };
  if (inProgress.has(p)) return idle;
  const closed = p.segments
    .slice(0, -1)
    .filter((s) => s.batchCount > 0 && s.syncing === 0 && s.writtenSize === s.size);
  if (closed.length === 0) return idle;
  let dirty = 0;
  let total = 0;
  for (const seg of closed) {
    total += seg.size;
    if (seg.lastOffset >= p.cleanedUpTo) dirty += seg.size;
  }
  if (!options.force && (dirty === 0 || dirty / total < options.minCleanableDirtyRatio)) return idle;
  inProgress.add(p);
  try {
    return { ran: true, removed: await compactClosedSegments(p, closed, logger) };
  } finally {
    inProgress.delete(p);
  }
}

async function compactClosedSegments(p: PartitionLog, closed: Segment[], logger: Logger): Promise<number> {
  // Undecided transactions: do not compact past the last stable offset.
  const limit = Math.min(p.lastStableOffset, p.activeSegment.baseOffset);
  let decoded = 0;
  const paced = async (records: number) => {
    decoded += records;
    if (decoded >= YIELD_EVERY_RECORDS) {
      decoded = 0;
      await yieldToEventLoop();
    }
  };

  // Pass 1: latest offset per key over the whole log (closed and active segments).
  const latest = new Map<string, number>();
  const from = p.logStartOffset;
  for (const seg of [...p.segments]) {
    // Deleted (retention, DeleteRecords) or replaced while the pass yielded: its files are closed.
    if (!p.segments.includes(seg)) continue;
    for (const [batch, base] of segmentBatches(seg, from)) {
      const info = readBatchInfo(batch, 0);
      if (info.attributes & ATTR_CONTROL) continue;
      if (info.attributes & ATTR_TRANSACTIONAL && p.producers.isAborted(info.producerId, base)) continue;
      const records = decodeRecords(batch);
      if (!records) continue;
      for (const rec of records) if (rec.key) latest.set(keyOf(rec.key), base + rec.offsetDelta);
      await paced(records.length);
      if (p.deleted) return 0;
    }
  }

  // Pass 2: rewrite each closed segment below the limit.
  let removed = 0;
  let cleanedUpTo = p.cleanedUpTo;
  for (const seg of closed) {
    if (seg.lastOffset >= limit) break;
    if (!p.segments.includes(seg)) continue;
    const data = seg.read(0, seg.size);
    const kept: Buffer[] = [];
    let changed = false;
    let segmentRemoved = 0;
    for (let i = 0; i < seg.batchCount; i++) {
      const batch = data.subarray(seg.positions[i], seg.batchEnd(i));
      const base = seg.bases[i];
      const info = readBatchInfo(batch, 0);
      if (info.attributes & ATTR_CONTROL) {
        kept.push(batch);
        continue;
      }
      const aborted =
        (info.attributes & ATTR_TRANSACTIONAL) !== 0 && p.producers.isAborted(info.producerId, base);
      const records = decodeRecords(batch);
      if (!records) {
        kept.push(batch);
        continue;
      }
      const survivors = aborted
        ? []
        : records.filter(
            (rec) =>
              rec.key === null ||
              (latest.get(keyOf(rec.key)) === base + rec.offsetDelta && rec.value !== null),
          );
      segmentRemoved += records.length - survivors.length;
      await paced(records.length);
      if (survivors.length === records.length) {
        kept.push(batch);
        continue;
      }
      changed = true;
      // A segment's last batch stays, even emptied, so that consumers fetching inside the
      // removed range find a batch whose lastOffset moves them past it (as Kafka's cleaner keeps
      // empty batches).
      if (survivors.length === 0 && i < seg.batchCount - 1) continue;
      kept.push(
        buildBatch({
          baseOffset: base,
          attributes: info.attributes & ~ATTR_COMPRESSION_MASK,
          baseTimestamp: Number(batch.readBigInt64BE(27)),
          maxTimestamp: info.maxTimestamp,
          lastOffsetDelta: info.lastOffsetDelta,
          producerId: info.producerId,
          producerEpoch: info.producerEpoch,
          baseSequence: info.baseSequence,
          records: survivors,
        }),
      );
    }
    if (p.deleted) return removed;
    // Replaced or deleted while this pass yielded (the bytes read are a copy): leave it.
    if (!p.segments.includes(seg)) continue;
    if (changed) p.replaceSegment(seg, kept);
    removed += segmentRemoved;
    cleanedUpTo = seg.lastOffset + 1;
  }
  p.cleanedUpTo = Math.max(p.cleanedUpTo, cleanedUpTo);
  if (removed > 0) {
    p.dropCacheBelow(p.activeSegment.baseOffset);
    logger.info({ partition: p.where, removed }, 'compacted');
  }
  return removed;
}
