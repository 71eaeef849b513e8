/**
 * Builds one Kafka record batch (magic 2, uncompressed, no producer id) per partition and tick by
 * copying pre-encoded record tails (see value-formats.ts) and writing only what changes per
 * record: its length, its offset delta and the tick's timestamp. All records of a tick share the
 * batch's base timestamp (timestamp delta 0).
 */
import { crc32c } from '../../modules/broker/src/log/crc32c.js';
import type { PayloadTemplates } from './value-formats.js';

const HEADER_BYTES = 61;

interface Tail {
  /** attributes(0) timestampDelta(0) — then offsetDelta is written — then this. */
  readonly bytes: Buffer;
  readonly timestampAt: number;
}

function varintSize(v: number): number {
  let zz = (v << 1) ^ (v >> 31);
  let n = 1;
  while ((zz & ~0x7f) !== 0) {
    zz >>>= 7;
    n++;
  }
  return n;
}

function writeVarint(buf: Buffer, at: number, v: number): number {
  let zz = ((v << 1) ^ (v >> 31)) >>> 0;
  while ((zz & ~0x7f) !== 0) {
    buf[at++] = (zz & 0x7f) | 0x80;
    zz >>>= 7;
  }
  buf[at++] = zz;
  return at;
}

function tailOf(key: Buffer, value: Buffer, timestampAt: number): Tail {
  const bytes = Buffer.alloc(
    varintSize(key.length) + key.length + varintSize(value.length) + value.length + 1,
  );
  let at = writeVarint(bytes, 0, key.length);
  at += key.copy(bytes, at);
  at = writeVarint(bytes, at, value.length);
  const valueAt = at;
  at += value.copy(bytes, at);
  bytes[at] = 0; // no headers
  return { bytes, timestampAt: valueAt + timestampAt };
}

export class PartitionBatchWriter {
  private buf: Buffer;
  private at = HEADER_BYTES;
  private count = 0;
  private readonly stampAts: number[] = [];

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.alloc(initialBytes);
  }

  get records(): number {
    return this.count;
  }

  append(tail: Tail): void {
    const bodyLength = 2 + varintSize(this.count) + tail.bytes.length;
    const need = bodyLength + 5;
    if (this.at + need > this.buf.length) {
      const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.at + need));
      this.buf.copy(grown, 0, 0, this.at);
      this.buf = grown;
    }
    let at = writeVarint(this.buf, this.at, bodyLength);
    this.buf[at++] = 0; // attributes
    this.buf[at++] = 0; // timestamp delta
    at = writeVarint(this.buf, at, this.count);
    this.stampAts.push(at + tail.timestampAt);
    at += tail.bytes.copy(this.buf, at);
    this.at = at;
    this.count++;
  }

  /** The finished batch (a copy: the writer is reused), every record stamped with `stamp`. */
  finish(timestampMs: number, stamp: Buffer): Buffer {
    const b = this.buf;
    for (const at of this.stampAts) stamp.copy(b, at);
    b.writeBigInt64BE(0n, 0); // base offset (the broker assigns)
    b.writeInt32BE(this.at - 12, 8); // batch length
    b.writeInt32BE(-1, 12); // partition leader epoch
    b.writeInt8(2, 16); // magic
    b.writeInt16BE(0, 21); // attributes
    b.writeInt32BE(this.count - 1, 23); // last offset delta
    b.writeBigInt64BE(BigInt(timestampMs), 27); // base timestamp
    b.writeBigInt64BE(BigInt(timestampMs), 35); // max timestamp
    b.writeBigInt64BE(-1n, 43); // producer id
    b.writeInt16BE(-1, 51); // producer epoch
    b.writeInt32BE(-1, 53); // base sequence
    b.writeInt32BE(this.count, 57);
    b.writeUInt32BE(crc32c(b, 21, this.at) >>> 0, 17);
    const batch = Buffer.from(b.subarray(0, this.at));
    this.at = HEADER_BYTES;
    this.count = 0;
    this.stampAts.length = 0;
    return batch;
  }
}

/** Each sensor's record tail, encoded once. */
export function recordTails(templates: PayloadTemplates): Tail[] {
  return templates.records.map((r) => tailOf(r.key, r.value, r.timestampAt));
}
