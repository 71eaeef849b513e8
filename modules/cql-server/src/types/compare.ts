import type { CqlType } from './cql-type.js';
import { decodeDecimal, decodeVarint } from './codec.js';

export type Comparator = (a: Buffer, b: Buffer) => number;

/*
 * One comparator per CQL type, following Cassandra 3.11's AbstractType.compareCustom of that type.
 * They must be total orders that never throw: rows are found and merged by `compare(a, b) === 0`,
 * so two values a comparator calls equal ARE one clustering key (Cassandra's rule too).
 */

const bytesCompare: Comparator = (a, b) => Buffer.compare(a, b);

/** Cassandra puts the empty value (length 0, allowed for every type) before every other value. */
function emptyFirst(cmp: Comparator): Comparator {
  return (a, b) => {
    if (a.length === 0 || b.length === 0) return a.length - b.length;
    return cmp(a, b);
  };
}

const sign = (x: bigint | number): number => (x < 0 ? -1 : x > 0 ? 1 : 0);

// Int32Type, ShortType, ByteType: signed.
const signedInt: Comparator = emptyFirst((a, b) => sign(a.readIntBE(0, a.length) - b.readIntBE(0, b.length)));

// LongType, TimestampType (signed); TimeType's non-negative nanoseconds order the same way.
const signedLong: Comparator = emptyFirst((a, b) => sign(a.readBigInt64BE(0) - b.readBigInt64BE(0)));

/**
 * Java's Double.compare / Float.compare: numeric order, then -0.0 < 0.0, and NaN above +Infinity
 * with every NaN equal to every other (doubleToLongBits collapses NaN payloads).
 */
function javaFloatingCompare(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  const xNaN = Number.isNaN(x);
  const yNaN = Number.isNaN(y);
  if (xNaN || yNaN) return xNaN === yNaN ? 0 : xNaN ? 1 : -1;
  const xNegZero = Object.is(x, -0);
  const yNegZero = Object.is(y, -0);
  return xNegZero === yNegZero ? 0 : xNegZero ? -1 : 1;
}

const floatCmp: Comparator = emptyFirst((a, b) => javaFloatingCompare(a.readFloatBE(0), b.readFloatBE(0)));
const doubleCmp: Comparator = emptyFirst((a, b) => javaFloatingCompare(a.readDoubleBE(0), b.readDoubleBE(0)));

// IntegerType: by value, whatever the (possibly non-minimal) encoding.
const varintCmp: Comparator = emptyFirst((a, b) => sign(decodeVarint(a) - decodeVarint(b)));

/** Bits needed for |v| (0 for 0), without building a decimal string. */
function bitLength(v: bigint): number {
  if (v === 0n) return 0;
  const hex = (v < 0n ? -v : v).toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(Number.parseInt(hex[0], 16)));
}

const LOG10_2 = Math.log10(2);

/**
 * DecimalType: BigDecimal.compareTo, by value (1.0 = 1.00). The scale is any 32-bit int, so scaling
 * one side by 10^(scale difference) could need billions of digits: first decide by sign and by
 * order of magnitude, and scale only when both are within a few digits of each other, where the
 * difference is bounded by the operands' own lengths.
 */
const decimalCmp: Comparator = emptyFirst((a, b) => {
  const x = decodeDecimal(a);
  const y = decodeDecimal(b);
  const sx = sign(x.unscaled);
  const sy = sign(y.unscaled);
  if (sx !== sy || sx === 0) return sx - sy;
  // log10|value| lies in [(bits-1)·log10 2 - scale, bits·log10 2 - scale); 1 digit of margin
  // absorbs the floating-point error of these estimates.
  const bx = bitLength(x.unscaled);
  const by = bitLength(y.unscaled);
  if (bx * LOG10_2 - x.scale + 1 < (by - 1) * LOG10_2 - y.scale) return -sx;
  if (by * LOG10_2 - y.scale + 1 < (bx - 1) * LOG10_2 - x.scale) return sx;
  const scale = Math.max(x.scale, y.scale);
  const xv = x.unscaled * 10n ** BigInt(scale - x.scale);
  const yv = y.unscaled * 10n ** BigInt(scale - y.scale);
  return sign(xv - yv);
});

/** The 60-bit timestamp of a version 1 UUID. */
function uuidTimestamp(b: Buffer): bigint {
  const timeLow = BigInt(b.readUInt32BE(0));
  const timeMid = BigInt(b.readUInt16BE(4));
  const timeHi = BigInt(b.readUInt16BE(6) & 0x0fff);
  return (timeHi << 48n) | (timeMid << 32n) | timeLow;
}

/** Bytes 8..15 compared as SIGNED bytes, as TimeUUIDType does "for compatibility". */
function signedBytesCompare(a: Buffer, b: Buffer, from: number): number {
  for (let i = from; i < 16; i++) {
    const d = ((a[i] << 24) >> 24) - ((b[i] << 24) >> 24);
    if (d !== 0) return d;
  }
  return 0;
}

// TimeUUIDType: by version nibble (always 1, validated) and timestamp, then the clock sequence and
// node as signed bytes.
const timeuuidCmp: Comparator = emptyFirst(
  (a, b) =>
    (a[6] >> 4) - (b[6] >> 4) || sign(uuidTimestamp(a) - uuidTimestamp(b)) || signedBytesCompare(a, b, 8),
);

// UUIDType: by version; version 1 by timestamp, others by the first 8 bytes; then the last 8 unsigned.
const uuidCmp: Comparator = emptyFirst((a, b) => {
  const va = a[6] >> 4;
  const vb = b[6] >> 4;
  if (va !== vb) return va - vb;
  if (va === 1) {
    const t = sign(uuidTimestamp(a) - uuidTimestamp(b));
    if (t !== 0) return t;
  }
  return Buffer.compare(a, b);
});

// BooleanType: false (0) < true, and every non-zero byte is the same true.
const booleanCmp: Comparator = emptyFirst((a, b) => (a[0] === 0 ? 0 : 1) - (b[0] === 0 ? 0 : 1));

/** Orders serialized values of a type the way Cassandra orders them in a clustering key. */
export function comparatorFor(t: CqlType): Comparator {
  if (t.kind !== 'native') return bytesCompare;
  switch (t.name) {
    case 'int':
    case 'smallint':
    case 'tinyint':
      return signedInt;
    case 'bigint':
    case 'timestamp':
    case 'time':
      return signedLong;
    case 'float':
      return floatCmp;
    case 'double':
      return doubleCmp;
    case 'varint':
      return varintCmp;
    case 'decimal':
      return decimalCmp;
    case 'uuid':
      return uuidCmp;
    case 'timeuuid':
      return timeuuidCmp;
    case 'boolean':
      return booleanCmp;
    case 'text':
    case 'ascii':
    case 'blob':
    case 'date':
    case 'inet':
      // UTF8Type/AsciiType/BytesType/SimpleDateType (unsigned, epoch at 2^31)/InetAddressType:
      // unsigned byte order (for text that is code point order, not JS's UTF-16 order).
      return bytesCompare;
  }
}
