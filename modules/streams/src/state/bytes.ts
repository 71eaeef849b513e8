/** Byte helpers shared by the stores. Keys order as unsigned bytes (Buffer.compare), like RocksDB. */

/**
 * Unsigned byte comparison, same result as Buffer.compare. A plain loop: for the short keys stores
 * hold (tens of bytes) it is several times faster than crossing into C++ for Buffer.compare.
 */
export function compareBytes(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  if (n > 64) return Buffer.compare(a, b);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Map key for a Buffer: latin1 maps each byte to one char, so equal strings ⇔ equal bytes. */
export function bytesId(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/** True when `bytes` starts with `prefix`. */
export function hasPrefix(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/**
 * The smallest key greater than every key starting with `prefix` (exclusive upper bound of a
 * prefix scan), or undefined when the prefix is all 0xff (then the scan is open-ended).
 */
export function prefixUpperBound(prefix: Buffer): Buffer | undefined {
  const out = Buffer.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0xff) {
      out[i] = out[i]! + 1;
      return out.subarray(0, i + 1);
    }
  }
  return undefined;
}

/** Writes a non-negative or negative safe integer as 8 bytes big-endian (two's complement). */
export function writeInt64BE(target: Buffer, value: number, offset: number): void {
  // Split into high/low 32-bit halves: faster than BigInt and exact for safe integers.
  const high = Math.floor(value / 0x1_0000_0000);
  const low = value - high * 0x1_0000_0000;
  target.writeInt32BE(high, offset);
  target.writeUInt32BE(low, offset + 4);
}

export function readInt64BE(source: Buffer, offset: number): number {
  return source.readInt32BE(offset) * 0x1_0000_0000 + source.readUInt32BE(offset + 4);
}
