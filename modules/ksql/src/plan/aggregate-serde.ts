import type { Serde } from '@meterstream/streams';
import { Decimal } from '../values/decimal.js';

/**
 * The serde of a query's internal aggregation data — accumulators in state stores and changelogs,
 * prepared rows in the table-aggregation repartition topic, buffered rows of EMIT FINAL. ksqlDB
 * writes these with the query's internal value format and the UDAFs' intermediate SQL types; here
 * accumulators are plain data of any shape (function-types.ts), so they get one self-describing
 * binary encoding instead, with a tag byte per value:
 *
 *   0 null · 1 false · 2 true · 3 float64 · 4 int32 · 5 string (u32 length, UTF-8)
 *   6 array (u32 count, items) · 7 Map (u32 count, key, value…) · 8 plain object (u32 count,
 *   UTF-8 name as a string value, value…) · 9 bigint (decimal text as a string value)
 *   10 Buffer (u32 length, bytes) · 11 Decimal (int32 scale, unscaled as a bigint value)
 *
 * The bytes are this engine's own: a changelog written by ksqlDB cannot be restored by it (and
 * vice versa), which only matters for migrating a running ksqlDB query's state.
 */
export function aggregateDataSerde<T>(): Serde<T> {
  return {
    serialize(value) {
      const w = new Writer();
      w.value(value);
      return w.finish();
    },
    deserialize(data) {
      const r = new Reader(data);
      return r.value() as T;
    },
  };
}

class Writer {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private tag(t: number): void {
    this.room(1);
    this.buf[this.pos++] = t;
  }

  private u32(n: number): void {
    this.room(4);
    this.buf.writeUInt32BE(n, this.pos);
    this.pos += 4;
  }

  private str(s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.u32(len);
    this.room(len);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += len;
  }

  value(v: unknown): void {
    if (v === null || v === undefined) {
      this.tag(0);
      return;
    }
    switch (typeof v) {
      case 'boolean':
        this.tag(v ? 2 : 1);
        return;
      case 'number':
        if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff && !Object.is(v, -0)) {
          this.tag(4);
          this.room(4);
          this.buf.writeInt32BE(v, this.pos);
          this.pos += 4;
          return;
        }
        this.tag(3);
        this.room(8);
        this.buf.writeDoubleBE(v, this.pos);
        this.pos += 8;
        return;
      case 'string':
        this.tag(5);
        this.str(v);
        return;
      case 'bigint':
        this.tag(9);
        this.str(v.toString());
        return;
    }
    if (v instanceof Decimal) {
      this.tag(11);
      this.room(4);
      this.buf.writeInt32BE(v.scale, this.pos);
      this.pos += 4;
      this.str(v.unscaled.toString());
      return;
    }
    if (Buffer.isBuffer(v)) {
      this.tag(10);
      this.u32(v.length);
      this.room(v.length);
      v.copy(this.buf, this.pos);
      this.pos += v.length;
      return;
    }
    if (Array.isArray(v)) {
      this.tag(6);
      this.u32(v.length);
      for (const x of v) this.value(x);
      return;
    }
    if (v instanceof Map) {
      this.tag(7);
      this.u32(v.size);
      for (const [k, x] of v) {
        this.value(k);
        this.value(x);
      }
      return;
    }
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      this.tag(8);
      this.u32(entries.length);
      for (const [k, x] of entries) {
        this.str(k);
        this.value(x);
      }
      return;
    }
    throw new TypeError(`cannot serialize aggregation value of type ${typeof v}`);
  }
}

class Reader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  private u32(): number {
    const n = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return n;
  }

  private str(): string {
    const len = this.u32();
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  value(): unknown {
    const tag = this.buf[this.pos++];
    switch (tag) {
      case 0:
        return null;
      case 1:
        return false;
      case 2:
        return true;
      case 3: {
        const v = this.buf.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case 4: {
        const v = this.buf.readInt32BE(this.pos);
        this.pos += 4;
        return v;
      }
      case 5:
        return this.str();
      case 6: {
        const n = this.u32();
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case 7: {
        const n = this.u32();
        const out = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const k = this.value();
          out.set(k, this.value());
        }
        return out;
      }
      case 8: {
        const n = this.u32();
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.str();
          out[k] = this.value();
        }
        return out;
      }
      case 9:
        return BigInt(this.str());
      case 10: {
        const len = this.u32();
        const out = Buffer.from(this.buf.subarray(this.pos, this.pos + len));
        this.pos += len;
        return out;
      }
      case 11: {
        const scale = this.buf.readInt32BE(this.pos);
        this.pos += 4;
        return new Decimal(BigInt(this.str()), scale);
      }
      default:
        throw new RangeError(`corrupt aggregation data: unknown tag ${tag} at byte ${this.pos - 1}`);
    }
  }
}
