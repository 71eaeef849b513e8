import { isUtf8 } from 'node:buffer';
import { invalidRequest } from '../protocol/errors.js';
import { type CqlType, FIXED_SIZES, typeToCql } from './cql-type.js';

/** Two's complement big-endian, minimal length (CQL varint). */
export function encodeVarint(v: bigint): Buffer {
  let hex = (v < 0n ? -v : v).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (v >= 0n) {
    if (bytes.length === 0) return Buffer.from([0]);
    if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return bytes;
  }
  // Negative: two's complement of the magnitude over enough bytes to keep the sign bit.
  let len = bytes.length;
  const mod = 1n << BigInt(len * 8);
  let twos = mod + v;
  if (twos < mod / 2n) {
    len += 1;
    twos = (1n << BigInt(len * 8)) + v;
  }
  let h = twos.toString(16);
  h = h.padStart(len * 2, '0');
  return Buffer.from(h, 'hex');
}

export function decodeVarint(b: Buffer): bigint {
  if (b.length === 0) return 0n;
  const u = BigInt(`0x${b.toString('hex')}`);
  return b[0] & 0x80 ? u - (1n << BigInt(b.length * 8)) : u;
}

export function decodeDecimal(b: Buffer): { scale: number; unscaled: bigint } {
  return { scale: b.readInt32BE(0), unscaled: decodeVarint(b.subarray(4)) };
}

function encodeDecimal(text: string): Buffer {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw invalidRequest(`Invalid decimal literal ${text}`);
  const [, sign, intPart, frac = '', exp = '0'] = m;
  const unscaled = BigInt(`${sign}${intPart || '0'}${frac}`);
  const scale = frac.length - Number(exp);
  const out = Buffer.allocUnsafe(4);
  out.writeInt32BE(scale);
  return Buffer.concat([out, encodeVarint(unscaled)]);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidToBytes(text: string): Buffer {
  if (!UUID_RE.test(text)) throw invalidRequest(`Invalid UUID string literal ${text}`);
  return Buffer.from(text.replace(/-/g, ''), 'hex');
}

export function bytesToUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const DAY_MS = 86_400_000;

function parseTimestamp(text: string): number {
  // Cassandra accepts "2020-01-01 10:00:00+0000" style; Date.parse needs ISO-ish.
  let s = text.trim().replace(' ', 'T');
  s = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00Z';
  else if (!/(Z|[+-]\d{2}:\d{2})$/.test(s)) s += 'Z';
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw invalidRequest(`Unable to coerce '${text}' to a formatted date (long)`);
  return ms;
}

function parseTime(text: string): bigint {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) throw invalidRequest(`Unable to coerce '${text}' to a formatted time (long)`);
  const nanos = BigInt((m[4] ?? '').padEnd(9, '0'));
  const secs = BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
  return secs * 1_000_000_000n + nanos;
}

function intBytes(size: number, v: bigint, typeName: string): Buffer {
  const b = Buffer.allocUnsafe(size);
  const bits = BigInt(size * 8);
  const min = -(1n << (bits - 1n));
  const max = (1n << (bits - 1n)) - 1n;
  if (v < min || v > max) throw invalidRequest(`Invalid ${typeName} literal: ${v} out of range`);
  if (size === 8) b.writeBigInt64BE(v);
  else b.writeIntBE(Number(v), 0, size);
  return b;
}

/** A literal term of a CQL statement (bind markers are handled elsewhere). */
export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'integer'; text: string }
  | { kind: 'float'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'uuid'; text: string }
  | { kind: 'hex'; text: string }
  | { kind: 'null' };

function literalText(l: Literal): string {
  switch (l.kind) {
    case 'string':
      return `'${l.value}'`;
    case 'integer':
    case 'float':
    case 'uuid':
    case 'hex':
      return l.text;
    case 'boolean':
      return String(l.value);
    case 'null':
      return 'null';
  }
}

/** Serializes a literal for a column of type `t`, with Cassandra's "Invalid ... literal" errors. */
export function literalToBytes(t: CqlType, lit: Literal, column: string): Buffer | null {
  if (lit.kind === 'null') return null;
  const bad = () =>
    invalidRequest(
      `Invalid ${lit.kind} constant (${literalText(lit)}) for "${column}" of type ${typeToCql(t)}`,
    );
  if (t.kind !== 'native')
    throw invalidRequest(`Literals of type ${typeToCql(t)} are not supported; use a bind marker`);
  switch (t.name) {
    case 'text':
      if (lit.kind !== 'string') throw bad();
      return Buffer.from(lit.value, 'utf8');
    case 'ascii':
      if (lit.kind !== 'string') throw bad();
      if ([...lit.value].some((ch) => ch.charCodeAt(0) > 0x7f))
        throw invalidRequest(`Invalid ASCII character in string literal`);
      return Buffer.from(lit.value, 'latin1');
    case 'int':
    case 'bigint':
    case 'smallint':
    case 'tinyint': {
      if (lit.kind !== 'integer') throw bad();
      const size = { int: 4, bigint: 8, smallint: 2, tinyint: 1 }[t.name];
      return intBytes(size, BigInt(lit.text), t.name);
    }
    case 'varint':
      if (lit.kind !== 'integer') throw bad();
      return encodeVarint(BigInt(lit.text));
    case 'decimal':
      if (lit.kind !== 'integer' && lit.kind !== 'float') throw bad();
      return encodeDecimal(lit.text);
    case 'double':
    case 'float': {
      if (lit.kind !== 'integer' && lit.kind !== 'float') throw bad();
      const b = Buffer.allocUnsafe(t.name === 'double' ? 8 : 4);
      const n = Number(lit.text);
      if (t.name === 'double') b.writeDoubleBE(n);
      else b.writeFloatBE(n);
      return b;
    }
    case 'boolean':
      if (lit.kind !== 'boolean') throw bad();
      return Buffer.from([lit.value ? 1 : 0]);
    case 'timestamp': {
      let ms: number;
      if (lit.kind === 'integer') ms = Number(lit.text);
      else if (lit.kind === 'string') ms = parseTimestamp(lit.value);
      else throw bad();
      return intBytes(8, BigInt(ms), 'timestamp');
    }
    case 'date': {
      const b = Buffer.allocUnsafe(4);
      if (lit.kind === 'integer') {
        b.writeUInt32BE(Number(lit.text) >>> 0);
        return b;
      }
      if (lit.kind !== 'string' || !/^-?\d{1,9}-\d{2}-\d{2}$/.test(lit.value)) throw bad();
      const days = Math.floor(parseTimestamp(lit.value) / DAY_MS);
      b.writeUInt32BE((days + 2 ** 31) >>> 0);
      return b;
    }
    case 'time': {
      let nanos: bigint;
      if (lit.kind === 'integer') nanos = BigInt(lit.text);
      else if (lit.kind === 'string') nanos = parseTime(lit.value);
      else throw bad();
      if (nanos < 0n || nanos >= 86_400_000_000_000n) throw invalidRequest(`Invalid time ${lit.kind}`);
      return intBytes(8, nanos, 'time');
    }
    case 'uuid':
    case 'timeuuid': {
      if (lit.kind !== 'uuid') throw bad();
      const b = uuidToBytes(lit.text);
      if (t.name === 'timeuuid' && b[6] >> 4 !== 1) {
        throw invalidRequest(`Unsupported UUID for timeuuid: version ${b[6] >> 4}, expected 1`);
      }
      return b;
    }
    case 'blob':
      if (lit.kind !== 'hex') throw bad();
      return Buffer.from(lit.text.slice(2), 'hex');
    case 'inet':
      throw bad();
  }
}

/** Checks a bound value's serialized form; values from EXECUTE are stored as they arrive. */
export function validateValue(t: CqlType, b: Buffer, column: string): void {
  if (t.kind !== 'native' || b.length === 0) return;
  const size = FIXED_SIZES[t.name];
  if (size !== undefined && b.length !== size) {
    throw invalidRequest(
      `Invalid value for column ${column} of type ${t.name}: expected ${size} bytes but got ${b.length}`,
    );
  }
  if (t.name === 'text' && !isUtf8(b)) throw invalidRequest(`Invalid UTF-8 bytes for column ${column}`);
  if (t.name === 'ascii' && b.some((c) => c > 0x7f))
    throw invalidRequest(`Invalid ASCII bytes for column ${column}`);
  if (t.name === 'decimal' && b.length < 4)
    throw invalidRequest(`Invalid decimal value for column ${column}`);
  // The timeuuid comparator orders by the version 1 timestamp.
  if (t.name === 'timeuuid' && b[6] >> 4 !== 1)
    throw invalidRequest(`Invalid version for TimeUUID type: version ${b[6] >> 4} in column ${column}`);
}

/** Serializes plain JS values, used to build the rows of the system tables. */
export function jsToBytes(t: CqlType, v: unknown): Buffer | null {
  if (v === null || v === undefined) return null;
  if (t.kind === 'list' || t.kind === 'set') {
    const items = v as unknown[];
    const parts: Buffer[] = [int32(items.length)];
    for (const item of items) {
      const b = jsToBytes(t.element, item) ?? Buffer.alloc(0);
      parts.push(int32(b.length), b);
    }
    return Buffer.concat(parts);
  }
  if (t.kind === 'map') {
    const entries = Object.entries(v as Record<string, unknown>);
    const parts: Buffer[] = [int32(entries.length)];
    for (const [k, val] of entries) {
      const kb = jsToBytes(t.key, k) ?? Buffer.alloc(0);
      const vb = jsToBytes(t.value, val) ?? Buffer.alloc(0);
      parts.push(int32(kb.length), kb, int32(vb.length), vb);
    }
    return Buffer.concat(parts);
  }
  return nativeJsToBytes((t as { name: string }).name, v);
}

function nativeJsToBytes(name: string, v: unknown): Buffer {
  switch (name) {
    case 'text':
    case 'ascii':
      return Buffer.from(String(v), 'utf8');
    case 'boolean':
      return Buffer.from([v ? 1 : 0]);
    case 'int':
      return int32(Number(v));
    case 'double': {
      const b = Buffer.allocUnsafe(8);
      b.writeDoubleBE(Number(v));
      return b;
    }
    case 'timestamp':
    case 'bigint': {
      const b = Buffer.allocUnsafe(8);
      b.writeBigInt64BE(BigInt(v as number));
      return b;
    }
    case 'uuid':
    case 'timeuuid':
      return uuidToBytes(String(v));
    case 'blob':
      return Buffer.isBuffer(v) ? v : Buffer.from(String(v));
    case 'inet':
      return Buffer.from(String(v).split('.').map(Number));
    default:
      throw new Error(`jsToBytes: unsupported type ${name}`);
  }
}

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n);
  return b;
}

/** Reads a serialized int (LIMIT/TTL bind values). */
export function bytesToInt(b: Buffer, what: string): number {
  if (b.length !== 4) throw invalidRequest(`Invalid ${what}: expected a 4-byte int`);
  return b.readInt32BE(0);
}
