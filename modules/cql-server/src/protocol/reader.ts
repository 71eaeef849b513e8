import { protocolError } from './errors.js';

/** A bound value as it arrives on the wire: bytes, null (length -1) or "unset" (length -2, v4). */
export type WireValue = Buffer | null | undefined;

/**
 * Cursor over a frame body reading the protocol's primitive notations ([short], [string], [bytes],
 * ...). Every read checks the remaining length so a malformed body becomes a protocol error for the
 * offending request instead of an exception deep in a handler.
 */
export class BodyReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw protocolError(`Truncated message: cannot read ${what} (${n} bytes at offset ${this.pos})`);
    }
  }

  byte(): number {
    this.need(1, '[byte]');
    return this.buf[this.pos++];
  }

  short(): number {
    this.need(2, '[short]');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int(): number {
    this.need(4, '[int]');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  long(): bigint {
    this.need(8, '[long]');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  string(): string {
    const n = this.short();
    this.need(n, '[string]');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  longString(): string {
    const n = this.int();
    this.need(n, '[long string]');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** [bytes]: null for a negative length. */
  bytes(): Buffer | null {
    const n = this.int();
    if (n < 0) return null;
    this.need(n, '[bytes]');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** [value]: like [bytes] but -2 means "unset". */
  value(): WireValue {
    const n = this.int();
    if (n === -1) return null;
    if (n === -2) return undefined;
    if (n < 0) throw protocolError(`Invalid [value] length ${n}`);
    this.need(n, '[value]');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  shortBytes(): Buffer {
    const n = this.short();
    this.need(n, '[short bytes]');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  stringList(): string[] {
    const n = this.short();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.string());
    return out;
  }

  stringMap(): Map<string, string> {
    const n = this.short();
    const out = new Map<string, string>();
    for (let i = 0; i < n; i++) out.set(this.string(), this.string());
    return out;
  }

  /** [bytes map], only used to skip a custom payload. */
  bytesMap(): void {
    const n = this.short();
    for (let i = 0; i < n; i++) {
      this.string();
      this.bytes();
    }
  }
}
