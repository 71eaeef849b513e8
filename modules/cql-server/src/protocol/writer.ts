/** Growable buffer writing the protocol's primitive notations. */
export class BodyWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  short(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  long(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  raw(b: Buffer): this {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }

  string(s: string): this {
    const n = Buffer.byteLength(s);
    this.ensure(2 + n);
    this.buf.writeUInt16BE(n, this.pos);
    this.buf.write(s, this.pos + 2, 'utf8');
    this.pos += 2 + n;
    return this;
  }

  longString(s: string): this {
    const n = Buffer.byteLength(s);
    this.ensure(4 + n);
    this.buf.writeInt32BE(n, this.pos);
    this.buf.write(s, this.pos + 4, 'utf8');
    this.pos += 4 + n;
    return this;
  }

  /** [bytes]; null is written as length -1. */
  bytes(b: Buffer | null | undefined): this {
    if (b === null || b === undefined) return this.int(-1);
    this.int(b.length);
    return this.raw(b);
  }

  shortBytes(b: Buffer): this {
    this.short(b.length);
    return this.raw(b);
  }

  stringList(list: readonly string[]): this {
    this.short(list.length);
    for (const s of list) this.string(s);
    return this;
  }

  stringMultimap(map: ReadonlyMap<string, readonly string[]>): this {
    this.short(map.size);
    for (const [k, v] of map) this.string(k).stringList(v);
    return this;
  }

  get length(): number {
    return this.pos;
  }

  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
