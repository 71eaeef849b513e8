import { Decimal } from '../../values/decimal.js';

/**
 * A HyperLogLog sketch of 2^14 registers (ksqlDB's COUNT_DISTINCT parameters: a standard error
 * under 1 %), kept as a 16 KiB Buffer of one byte per register so it serializes as is. Values are
 * hashed with MurmurHash3 (x86, 32 bit) over a canonical text of the SQL value, so equal values
 * hash equally whatever object holds them.
 */
export const HLL_LOG2_M = 14;
export const HLL_M = 1 << HLL_LOG2_M;

/** The register a value sets and the rank it sets it to (leading zeros of the rest + 1). */
export function hllSlot(value: unknown): { index: number; rank: number } {
  const h = murmur3(Buffer.from(canonical(value), 'utf8'));
  const index = h >>> (32 - HLL_LOG2_M);
  // The remaining 18 bits, with a guard bit so the rank is at most 19.
  const rest = ((h << HLL_LOG2_M) | (1 << (HLL_LOG2_M - 1))) >>> 0;
  return { index, rank: Math.clz32(rest) + 1 };
}

/** The estimate (stream-lib's HyperLogLog.cardinality: raw estimate, linear counting when small). */
export function hllCardinality(registers: Buffer): number {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < HLL_M; i++) {
    const r = registers[i]!;
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const alphaMM = (0.7213 / (1 + 1.079 / HLL_M)) * HLL_M * HLL_M;
  const estimate = alphaMM / sum;
  if (estimate <= (5 / 2) * HLL_M) {
    return Math.round(zeros === 0 ? estimate : HLL_M * Math.log(HLL_M / zeros));
  }
  const two32 = 2 ** 32;
  if (estimate <= two32 / 30) return Math.round(estimate);
  return Math.round(-two32 * Math.log(1 - estimate / two32));
}

function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'N';
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
      return `n${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'bigint':
      return `n${v}`;
  }
  if (v instanceof Decimal) return `d${v.unscaled}e${v.scale}`;
  if (Buffer.isBuffer(v)) return `b${v.toString('base64')}`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${canonical(k)}:${canonical(x)}`).join(',')}}`;
  return `(${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}:${canonical(x)}`)
    .join(',')})`;
}

function murmur3(data: Buffer, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const n = data.length & ~3;
  for (let i = 0; i < n; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = data.length & 3;
  if (tail !== 0) {
    let k = 0;
    if (tail === 3) k ^= data[n + 2]! << 16;
    if (tail >= 2) k ^= data[n + 1]! << 8;
    k ^= data[n]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= data.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
