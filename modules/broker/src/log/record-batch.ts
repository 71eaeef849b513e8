/**
 * Record batch (magic v2) header access. The broker never parses individual records on the
 * produce/fetch path: it validates the header and CRC, patches the base offset, and stores the
 * batch as the producer sent it.
 *
 *   0 baseOffset i64 | 8 batchLength i32 | 12 partitionLeaderEpoch i32 | 16 magic i8 | 17 crc u32
 *  21 attributes i16 | 23 lastOffsetDelta i32 | 27 baseTimestamp i64 | 35 maxTimestamp i64
 *  43 producerId i64 | 51 producerEpoch i16 | 53 baseSequence i32 | 57 recordCount i32 | 61 records
 *
 * The CRC covers bytes 21..end, so the broker may rewrite baseOffset and partitionLeaderEpoch.
 */
import { gunzipSync } from 'node:zlib';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { Reader } from '../protocol/primitives.js';
import { crc32c } from './crc32c.js';

export const BATCH_HEADER_BYTES = 61;
export const LOG_OVERHEAD = 12; // baseOffset + batchLength

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

export interface BatchInfo {
  /** Position of the batch inside the buffer it was found in. */
  start: number;
  /** Total bytes of the batch (12 + batchLength). */
  size: number;
  lastOffsetDelta: number;
  attributes: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export const batchBaseOffset = (b: Buffer, at = 0): number => Number(b.readBigInt64BE(at));
export const batchSize = (b: Buffer, at = 0): number => LOG_OVERHEAD + b.readInt32BE(at + 8);
export const batchAttributes = (b: Buffer, at = 0): number => b.readInt16BE(at + 21);
export const batchLastOffsetDelta = (b: Buffer, at = 0): number => b.readInt32BE(at + 23);
export const batchBaseTimestamp = (b: Buffer, at = 0): number => Number(b.readBigInt64BE(at + 27));
export const batchMaxTimestamp = (b: Buffer, at = 0): number => Number(b.readBigInt64BE(at + 35));
export const batchProducerId = (b: Buffer, at = 0): bigint => b.readBigInt64BE(at + 43);
/** Where a batch header holds its record count. */
export const RECORD_COUNT_OFFSET = 57;
export const batchRecordCount = (b: Buffer, at = 0): number => b.readInt32BE(at + RECORD_COUNT_OFFSET);

export function setBatchBaseOffset(b: Buffer, offset: number, at = 0): void {
  b.writeBigInt64BE(BigInt(offset), at);
}

export function readBatchInfo(b: Buffer, at: number): BatchInfo {
  return {
    start: at,
    size: batchSize(b, at),
    lastOffsetDelta: b.readInt32BE(at + 23),
    attributes: b.readInt16BE(at + 21),
    maxTimestamp: Number(b.readBigInt64BE(at + 35)),
    producerId: b.readBigInt64BE(at + 43),
    producerEpoch: b.readInt16BE(at + 51),
    baseSequence: b.readInt32BE(at + 53),
    recordCount: b.readInt32BE(at + 57),
  };
}

/**
 * Validates the record batches of one produce partition (lengths, magic, CRC, counts) and
 * returns their headers. Throws KafkaError(CORRUPT_MESSAGE / INVALID_RECORD / UNSUPPORTED...).
 */
export function validateBatches(records: Buffer, where: string): BatchInfo[] {
  const out: BatchInfo[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < BATCH_HEADER_BYTES) {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `${where}: truncated batch header at byte ${at}`);
    }
    const magic = records[at + 16];
    if (magic !== 2) {
      throw new KafkaError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `${where}: record batch magic ${magic}`);
    }
    const size = batchSize(records, at);
    if (size < BATCH_HEADER_BYTES || at + size > records.length) {
      throw new KafkaError(
        ErrorCode.CORRUPT_MESSAGE,
        `${where}: batch length ${size} at byte ${at} exceeds data`,
      );
    }
    const crc = records.readUInt32BE(at + 17);
    if (crc32c(records, at + 21, at + size) !== crc) {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `${where}: CRC mismatch in batch at byte ${at}`);
    }
    const info = readBatchInfo(records, at);
    if (info.recordCount < 0 || info.lastOffsetDelta < 0 || info.recordCount !== info.lastOffsetDelta + 1) {
      throw new KafkaError(
        ErrorCode.INVALID_RECORD,
        `${where}: recordCount ${info.recordCount} does not match lastOffsetDelta ${info.lastOffsetDelta}`,
      );
    }
    if (info.attributes & ATTR_CONTROL) {
      throw new KafkaError(ErrorCode.INVALID_RECORD, `${where}: clients may not produce control batches`);
    }
    out.push(info);
    at += size;
  }
  return out;
}

/**
 * Builds a control batch (transaction marker) for producerId/epoch: one record whose key is
 * (version 0, type 0=ABORT/1=COMMIT) and whose value is (version 0, coordinatorEpoch).
 */
export function buildControlBatch(
  producerId: bigint,
  producerEpoch: number,
  commit: boolean,
  coordinatorEpoch: number,
  timestamp: number,
): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(commit ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return buildBatch({
    attributes: ATTR_TRANSACTIONAL | ATTR_CONTROL,
    baseTimestamp: timestamp,
    producerId,
    producerEpoch,
    baseSequence: -1,
    records: [{ offsetDelta: 0, timestampDelta: 0, key, value, headers: [] }],
  });
}

/** COMMIT (1) or ABORT (0) from a control batch's single record key. */
export function controlType(batch: Buffer): number {
  // record: length varint, attributes i8, timestampDelta varlong, offsetDelta varint, keyLen varint, key...
  let at = BATCH_HEADER_BYTES;
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

export interface PlainRecord {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: Buffer; value: Buffer | null }[];
}

export interface BatchSpec {
  baseOffset?: number;
  attributes: number;
  baseTimestamp: number;
  maxTimestamp?: number;
  lastOffsetDelta?: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  records: PlainRecord[];
}

function varintSize(v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (u >= 0x80) {
    u >>>= 7;
    n++;
  }
  return n;
}

function writeVarint(b: Buffer, at: number, v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0;
  while (u >= 0x80) {
    b[at++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  b[at++] = u;
  return at;
}

const bytesField = (x: Buffer | null) => (x === null ? varintSize(-1) : varintSize(x.length) + x.length);

function recordBodySize(r: PlainRecord): number {
  let n = 1 + varintSize(r.timestampDelta) + varintSize(r.offsetDelta);
  n += bytesField(r.key) + bytesField(r.value) + varintSize(r.headers.length);
  for (const h of r.headers) n += bytesField(h.key) + bytesField(h.value);
  return n;
}

function writeBytesField(b: Buffer, at: number, x: Buffer | null): number {
  if (x === null) return writeVarint(b, at, -1);
  at = writeVarint(b, at, x.length);
  x.copy(b, at);
  return at + x.length;
}

/** Encodes an uncompressed v2 batch with a correct CRC (used for markers and compaction). */
export function buildBatch(spec: BatchSpec): Buffer {
  let size = BATCH_HEADER_BYTES;
  const bodies = spec.records.map(recordBodySize);
  for (const s of bodies) size += varintSize(s) + s;
  const b = Buffer.alloc(size);
  const lastDelta = spec.lastOffsetDelta ?? spec.records[spec.records.length - 1]?.offsetDelta ?? 0;
  let maxTs = spec.baseTimestamp;
  for (const r of spec.records) maxTs = Math.max(maxTs, spec.baseTimestamp + r.timestampDelta);
  b.writeBigInt64BE(BigInt(spec.baseOffset ?? 0), 0);
  b.writeInt32BE(size - LOG_OVERHEAD, 8);
  b.writeInt32BE(0, 12);
  b[16] = 2;
  b.writeInt16BE(spec.attributes, 21);
  b.writeInt32BE(lastDelta, 23);
  b.writeBigInt64BE(BigInt(spec.baseTimestamp), 27);
  b.writeBigInt64BE(BigInt(spec.maxTimestamp ?? maxTs), 35);
  b.writeBigInt64BE(spec.producerId, 43);
  b.writeInt16BE(spec.producerEpoch, 51);
  b.writeInt32BE(spec.baseSequence, 53);
  b.writeInt32BE(spec.records.length, 57);
  let at = BATCH_HEADER_BYTES;
  spec.records.forEach((r, i) => {
    at = writeVarint(b, at, bodies[i]);
    b[at++] = 0; // record attributes
    at = writeVarint(b, at, r.timestampDelta);
    at = writeVarint(b, at, r.offsetDelta);
    at = writeBytesField(b, at, r.key);
    at = writeBytesField(b, at, r.value);
    at = writeVarint(b, at, r.headers.length);
    for (const h of r.headers) {
      at = writeBytesField(b, at, h.key);
      at = writeBytesField(b, at, h.value);
    }
  });
  b.writeUInt32BE(crc32c(b, 21, size), 17);
  return b;
}

/** Decodes the records of a v2 batch (decompressing gzip); null for codecs we cannot read. */
export function decodeRecords(batch: Buffer): PlainRecord[] | null {
  const info = readBatchInfo(batch, 0);
  const codec = info.attributes & ATTR_COMPRESSION_MASK;
  let body = batch.subarray(BATCH_HEADER_BYTES);
  if (codec === 1) body = gunzipSync(body);
  else if (codec !== 0) return null;
  const r = new Reader(body);
  const out: PlainRecord[] = [];
  const bytesOrNull = () => {
    const n = r.varint();
    return n < 0 ? null : r.bytes(n);
  };
  for (let i = 0; i < info.recordCount; i++) {
    const len = r.varint();
    const end = r.pos + len;
    r.int8(); // record attributes (unused)
    const timestampDelta = r.varlong();
    const offsetDelta = r.varint();
    const key = bytesOrNull();
    const value = bytesOrNull();
    const headerCount = r.varint();
    const headers: PlainRecord['headers'] = [];
    for (let h = 0; h < headerCount; h++) {
      const hk = bytesOrNull() ?? Buffer.alloc(0);
      headers.push({ key: hk, value: bytesOrNull() });
    }
    r.pos = end;
    out.push({ offsetDelta, timestampDelta, key, value, headers });
  }
  return out;
}
