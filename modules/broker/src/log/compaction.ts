/**
 * Log compaction (cleanup.policy=compact): keep only the latest record per key, drop tombstones
 * (null values) and records of aborted transactions, in every closed segment. Like Kafka, the
 * active segment is never rewritten, but its keys count when deciding what is superseded.
 *
 * Only the compaction pass parses individual records; it decompresses gzip batches (node:zlib)
 * and rewrites changed batches uncompressed, keeping base offset, lastOffsetDelta and producer
 * fields so offsets are never reused. Batches in codecs we cannot decode (snappy, lz4, zstd) are
 * kept untouched. Runs synchronously: simple and safe against concurrent reads, at the cost of
 * blocking the event loop for the duration of one partition's pass.
 */
import type { Logger } from 'pino';
import type { PartitionLog } from './partition-log.js';
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  buildBatch,
  decodeRecords,
  readBatchInfo,
} from './record-batch.js';

const keyOf = (k: Buffer) => k.toString('latin1');

/** Compacts one partition; returns the number of records removed. */
export function compactPartition(p: PartitionLog, logger: Logger): number {
  const closed = p.segments
    .slice(0, -1)
    .filter((s) => s.batchCount > 0 && s.syncing === 0 && s.writtenSize === s.size);
  if (closed.length === 0) return 0;
  // Undecided transactions: do not compact past the last stable offset.
  const limit = Math.min(p.lastStableOffset, p.activeSegment.baseOffset);

  // Pass 1: latest offset per key over the whole log (closed and active segments).
  const latest = new Map<string, number>();
  p.scanHeaders(p.logStartOffset, (batch, base) => {
    const info = readBatchInfo(batch, 0);
    if (info.attributes & ATTR_CONTROL) return;
    if (info.attributes & ATTR_TRANSACTIONAL && p.producers.isAborted(info.producerId, base)) return;
    const records = decodeRecords(batch);
    if (!records) return;
    for (const rec of records) if (rec.key) latest.set(keyOf(rec.key), base + rec.offsetDelta);
  });

  // Pass 2: rewrite each closed segment below the limit.
  let removed = 0;
  for (const seg of closed) {
    if (seg.lastOffset >= limit) break;
    const data = seg.read(0, seg.size);
    const kept: Buffer[] = [];
    let changed = false;
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
      removed += records.length - survivors.length;
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
    if (changed) p.replaceSegment(seg, kept);
  }
  if (removed > 0) {
    p.dropCacheBelow(p.activeSegment.baseOffset);
    logger.info({ partition: p.where, removed }, 'compacted');
  }
  return removed;
}
