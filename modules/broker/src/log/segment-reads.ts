/**
 * Reading stored batches back from a partition's segment files: Fetch (when the tail cache does
 * not cover the offset), the byte distance Fetch's minBytes waits on, ListOffsets by time, and the
 * scans of recovery and compaction.
 */
import {
  ATTR_CONTROL,
  BATCH_HEADER_BYTES,
  batchAttributes,
  batchBaseTimestamp,
  batchMaxTimestamp,
  decodeRecords,
  RECORD_COUNT_OFFSET,
} from './record-batch.js';
import type { Segment } from './segment.js';

export interface ReadResult {
  batches: Buffer[];
  bytes: number;
}

/**
 * Appends to `out` whole batches from `offset` up to (excluding) `upperBound`, about maxBytes in
 * total but always including one batch with records: batches emptied by compaction do not count
 * as "the one batch always returned", because kafkajs cannot advance past a response holding only
 * an empty batch.
 */
export function readSegments(
  segments: readonly Segment[],
  offset: number,
  maxBytes: number,
  upperBound: number,
  out: ReadResult,
): void {
  let hasRecords = false;
  let next = offset;
  for (const seg of segments) {
    if (seg.lastOffset < next || seg.batchCount === 0) continue;
    let i = Math.max(0, seg.findBatch(next));
    const startPos = seg.positions[i];
    let endPos = startPos;
    for (; i < seg.batchCount && seg.bases[i] < upperBound; i++) {
      const end = seg.batchEnd(i);
      if (end > seg.writtenSize) break;
      if (hasRecords && out.bytes + (end - startPos) > maxBytes) break;
      if (!hasRecords) hasRecords = seg.read(seg.positions[i] + RECORD_COUNT_OFFSET, 4).readInt32BE(0) > 0;
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
}

/** A global byte position (sum of segment sizes before + position inside) of an offset. */
export function bytePositionOf(segments: readonly Segment[], offset: number): number {
  let before = 0;
  for (const seg of segments) {
    if (offset <= seg.lastOffset) {
      const i = seg.findBatch(offset);
      return before + (i < 0 ? 0 : seg.positions[i]);
    }
    before += seg.size;
  }
  return before;
}

/**
 * Offset of the first record with timestamp >= ts at or after `logStartOffset` (ListOffsets by
 * time), or -1. Closed segments whose max timestamp is older are skipped unread.
 */
export function offsetForTimestamp(segments: readonly Segment[], logStartOffset: number, ts: number): number {
  const active = segments[segments.length - 1];
  for (const seg of segments) {
    if (seg.batchCount === 0 || (seg !== active && seg.maxTimestamp < ts)) continue;
    const data = seg.read(0, seg.writtenSize);
    for (let i = 0; i < seg.batchCount; i++) {
      const at = seg.positions[i];
      if (at + BATCH_HEADER_BYTES > data.length) break;
      if (batchMaxTimestamp(data, at) >= ts && seg.bases[i] >= logStartOffset) {
        return firstRecordAtOrAfter(data.subarray(at, seg.batchEnd(i)), seg.bases[i], ts);
      }
    }
  }
  return -1;
}

/** The offset of the first record in the batch with timestamp >= ts (the base if unreadable). */
function firstRecordAtOrAfter(batch: Buffer, base: number, ts: number): number {
  if (batchAttributes(batch) & ATTR_CONTROL) return base;
  const records = decodeRecords(batch);
  if (!records) return base; // a codec we cannot decode: the batch start is the best we know
  const baseTimestamp = batchBaseTimestamp(batch);
  for (const r of records) if (baseTimestamp + r.timestampDelta >= ts) return base + r.offsetDelta;
  return base;
}

/** Calls fn with every stored batch whose base offset is >= from (reads whole segments). */
export function scanBatches(
  segments: readonly Segment[],
  from: number,
  fn: (batch: Buffer, base: number) => void,
): void {
  for (const seg of segments) for (const [batch, base] of segmentBatches(seg, from)) fn(batch, base);
}

/**
 * One segment's stored batches whose base offset is >= from, with their base offsets. The bytes
 * are read once, up front: a consumer may pause between batches (compaction yields to the event
 * loop) while the segment is appended to, rewritten or deleted.
 */
export function* segmentBatches(seg: Segment, from: number): Generator<[Buffer, number]> {
  if (seg.lastOffset < from || seg.batchCount === 0) return;
  let i = Math.max(0, seg.findBatch(from));
  if (seg.bases[i] < from) i++;
  if (i >= seg.batchCount) return;
  const count = seg.batchCount;
  const startPos = seg.positions[i];
  const data = seg.read(startPos, seg.writtenSize - startPos);
  for (; i < count; i++) {
    const at = seg.positions[i] - startPos;
    const end = seg.batchEnd(i) - startPos;
    if (end > data.length) break;
    yield [data.subarray(at, end), seg.bases[i]];
  }
}
