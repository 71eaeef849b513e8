import type { Header } from '../processor/record.js';

/**
 * The records of one Kafka record batch (magic 2, uncompressed), encoded by the runtime rather than
 * by kafkajs: the patched kafkajs producer (patches/kafkajs+2.2.4.patch) wraps such a set in a
 * batch header with its own producer id, epoch, sequence and transactional flag, so idempotence and
 * transactions work as for ordinary messages.
 */
export interface EncodedRecordSet {
  /** `count` records, each `[length][attributes][timestampDelta][offsetDelta][key][value][headers]`. */
  readonly records: Buffer;
  readonly count: number;
  /** The batch's base timestamp: every record's timestampDelta is relative to it. */
  readonly firstTimestamp: number;
  readonly maxTimestamp: number;
}

/**
 * Default bound on one set's record bytes: well under Kafka's default max.message.bytes (1 MiB),
 * which bounds each record batch a produce may append.
 */
export const MAX_RECORD_SET_BYTES = 512 * 1024;

const NO_HEADERS: readonly Header[] = [];

/**
 * Appends records of one topic partition to a buffer in the record-batch wire format, so a commit
 * sends each changelog partition as one pre-encoded set: no per-record object, promise or copy in
 * the client (kafkajs builds an Encoder per record, copies it three times and parses every
 * timestamp string). Sets are cut at `maxBytes`; each becomes its own record batch.
 */
export class RecordSetWriter {
  private buf: Buffer;
  private at = 0;
  private count = 0;
  private firstTimestamp = 0;
  private maxTimestamp = 0;
  private readonly done: EncodedRecordSet[] = [];
  private total = 0;

  constructor(
    private readonly maxBytes = MAX_RECORD_SET_BYTES,
    initialBytes = 16 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Records appended since the last take(). */
  get size(): number {
    return this.total;
  }

  append(
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: readonly Header[] = NO_HEADERS,
  ): void {
    if (this.count > 0 && this.at >= this.maxBytes) this.cut();
    if (this.count === 0) {
      this.firstTimestamp = timestamp;
      this.maxTimestamp = timestamp;
    } else if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    // Deltas may be negative (records are not in timestamp order), as the Java producer allows.
    const timestampDelta = timestamp - this.firstTimestamp;
    const keyLength = key === null ? -1 : key.length;
    const valueLength = value === null ? -1 : value.length;
    let headerBytes = varintSize(headers.length);
    for (const h of headers) {
      const k = Buffer.byteLength(h.key, 'utf8');
      const v = h.value === null ? -1 : h.value.length;
      headerBytes += varintSize(k) + k + varintSize(v) + Math.max(v, 0);
    }
    const body =
      1 +
      varlongSize(timestampDelta) +
      varintSize(this.count) +
      varintSize(keyLength) +
      Math.max(keyLength, 0) +
      varintSize(valueLength) +
      Math.max(valueLength, 0) +
      headerBytes;
    this.reserve(body + 5);
    const b = this.buf;
    let at = writeVarint(b, this.at, body);
    b[at++] = 0; // attributes (unused by Kafka)
    at = writeVarlong(b, at, timestampDelta);
    at = writeVarint(b, at, this.count);
    at = writeVarint(b, at, keyLength);
    if (key !== null) at += key.copy(b, at);
    at = writeVarint(b, at, valueLength);
    if (value !== null) at += value.copy(b, at);
    at = writeVarint(b, at, headers.length);
    for (const h of headers) {
      const k = Buffer.byteLength(h.key, 'utf8');
      at = writeVarint(b, at, k);
      at += b.write(h.key, at, k, 'utf8');
      if (h.value === null) at = writeVarint(b, at, -1);
      else {
        at = writeVarint(b, at, h.value.length);
        at += h.value.copy(b, at);
      }
    }
    this.at = at;
    this.count++;
    this.total++;
  }

  /** The sets written since the last take (in order), leaving the writer empty. */
  take(): EncodedRecordSet[] {
    if (this.count > 0) this.cut();
    const sets = this.done.splice(0);
    this.total = 0;
    return sets;
  }

  /** Closes the current set: its bytes are copied out so the buffer is reused for the next. */
  private cut(): void {
    this.done.push({
      records: Buffer.from(this.buf.subarray(0, this.at)),
      count: this.count,
      firstTimestamp: this.firstTimestamp,
      maxTimestamp: this.maxTimestamp,
    });
    this.at = 0;
    this.count = 0;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}

/** Zig-zag varint (32-bit signed) size, as Kafka's record fields use. */
function varintSize(v: number): number {
  let zz = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (zz >= 0x80) {
    zz >>>= 7;
    n++;
  }
  return n;
}

function writeVarint(buf: Buffer, at: number, v: number): number {
  let zz = ((v << 1) ^ (v >> 31)) >>> 0;
  while (zz >= 0x80) {
    buf[at++] = (zz & 0x7f) | 0x80;
    zz >>>= 7;
  }
  buf[at++] = zz;
  return at;
}

/** Zig-zag of a safe integer as a non-negative number (no 32-bit wrap: timestamp deltas can exceed it). */
function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function varlongSize(v: number): number {
  let zz = zigzag(v);
  let n = 1;
  while (zz >= 0x80) {
    zz = Math.floor(zz / 0x80);
    n++;
  }
  return n;
}

function writeVarlong(buf: Buffer, at: number, v: number): number {
  let zz = zigzag(v);
  while (zz >= 0x80) {
    buf[at++] = (zz % 0x80) | 0x80;
    zz = Math.floor(zz / 0x80);
  }
  buf[at++] = zz;
  return at;
}
