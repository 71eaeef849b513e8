import type { CqlType } from './cql-type.js';
import { decodeDecimal, decodeVarint } from './codec.js';

export type Comparator = (a: Buffer, b: Buffer) => number;

const bytesCompare: Comparator = (a, b) => Buffer.compare(a, b);

function emptyFirst(cmp: Comparator): Comparator {
  return (a, b) => {
    if (a.length === 0 || b.length === 0) return a.length - b.length;
    return cmp(a, b);
  };
}

const signedInt: Comparator = emptyFirst((a, b) => a.readIntBE(0, a.length) - b.readIntBE(0, b.length));
const signedLong: Comparator = emptyFirst((a, b) => {
  const x = a.readBigInt64BE(0);
  const y = b.readBigInt64BE(0);
  return x < y ? -1 : x > y ? 1 : 0;
});
const floatCmp: Comparator = emptyFirst((a, b) => a.readFloatBE(0) - b.readFloatBE(0) || 0);
const doubleCmp: Comparator = emptyFirst((a, b) => a.readDoubleBE(0) - b.readDoubleBE(0) || 0);
const varintCmp: Comparator = emptyFirst((a, b) => {
  const x = decodeVarint(a);
  const y = decodeVarint(b);
  return x < y ? -1 : x > y ? 1 : 0;
});
const decimalCmp: Comparator = emptyFirst((a, b) => {
  const x = decodeDecimal(a);
  const y = decodeDecimal(b);
  // Align scales before comparing unscaled values.
  const scale = Math.max(x.scale, y.scale);
  const xv = x.unscaled * 10n ** BigInt(scale - x.scale);
  const yv = y.unscaled * 10n ** BigInt(scale - y.scale);
  return xv < yv ? -1 : xv > yv ? 1 : 0;
});

function uuidTimestamp(b: Buffer): bigint {
  const timeLow = BigInt(b.readUInt32BE(0));
  const timeMid = BigInt(b.readUInt16BE(4));
  const timeHi = BigInt(b.readUInt16BE(6) & 0x0fff);
  return (timeHi << 48n) | (timeMid << 32n) | timeLow;
}

// Like Cassandra's TimeUUIDType: by embedded timestamp first, then by the raw bytes.
const timeuuidCmp: Comparator = emptyFirst((a, b) => {
  const x = uuidTimestamp(a);
  const y = uuidTimestamp(b);
  if (x !== y) return x < y ? -1 : 1;
  return Buffer.compare(a, b);
});

// Like Cassandra's UUIDType: by version, then time-based uuids by timestamp, otherwise bytes.
const uuidCmp: Comparator = emptyFirst((a, b) => {
  const va = a[6] >> 4;
  const vb = b[6] >> 4;
  if (va !== vb) return va - vb;
  if (va === 1) return timeuuidCmp(a, b);
  return Buffer.compare(a, b);
});

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
    default:
      // text, ascii, blob, boolean and date (unsigned, epoch-centered) order by raw bytes.
      return bytesCompare;
  }
}
