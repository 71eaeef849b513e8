import { describe, expect, it } from 'vitest';
import { SortedBytesMap } from '../../src/state/index.js';

/** Deterministic pseudo-random numbers (xorshift), so a failure reproduces. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/**
 * One random write to the map and its reference (keys as hex): a key of 1..maxLength random bytes,
 * deleted with probability `deleteRatio` (checking the removed value), else set to `value`.
 */
function randomWrite(
  map: SortedBytesMap<number>,
  reference: Map<string, number>,
  rnd: () => number,
  maxLength: number,
  deleteRatio: number,
  value: number,
): void {
  const key = Buffer.from(
    Array.from({ length: 1 + Math.floor(rnd() * maxLength) }, () => Math.floor(rnd() * 256)),
  );
  const hex = key.toString('hex');
  if (rnd() < deleteRatio) {
    expect(map.delete(key)?.value).toBe(reference.get(hex));
    reference.delete(hex);
  } else {
    map.set(key, value);
    reference.set(hex, value);
  }
}

describe('SortedBytesMap (chunked sorted list + hash index)', () => {
  it('keeps byte order through thousands of random inserts and deletes (chunk splits included)', () => {
    const rnd = random(42);
    const map = new SortedBytesMap<number>();
    const reference = new Map<string, number>();
    for (let i = 0; i < 8_000; i++) randomWrite(map, reference, rnd, 4, 0.3, i);
    const expected = [...reference.keys()].map((h) => Buffer.from(h, 'hex')).sort(Buffer.compare);
    expect(map.size).toBe(expected.length);
    expect(map.entries().map((e) => e.key.toString('hex'))).toEqual(expected.map((k) => k.toString('hex')));
    // A range in the middle, inclusive and exclusive upper bound.
    const from = expected[100]!;
    const to = expected[400]!;
    expect(map.range(from, to)).toHaveLength(301);
    expect(map.range(from, to, true)).toHaveLength(300);
    expect(map.range(to, from)).toHaveLength(0);
  });

  it('deferred ordering: writes between ordered reads (small and large insert logs, deletes of unplaced keys) keep byte order', () => {
    const rnd = random(99);
    const map = new SortedBytesMap<number>();
    const reference = new Map<string, number>();
    // Lower-case hex strings sort like the bytes they encode.
    const sortedReference = () => [...reference.keys()].sort();
    // Bursts of 1..5000 writes (below and above the merge threshold, enough deletes to compact the log),
    // each followed by an ordered read that must see exactly the reference.
    for (let burst = 0; burst < 40; burst++) {
      const writes = burst % 4 === 0 ? 5000 : 1 + Math.floor(rnd() * 40);
      for (let i = 0; i < writes; i++) randomWrite(map, reference, rnd, 3, 0.45, i);
      expect(map.size).toBe(reference.size);
      const forward = [...map.iterate(undefined, undefined, false, false)].map((e) => e.key.toString('hex'));
      expect(forward).toEqual(sortedReference());
      expect(map.entries().every((e) => !e.removed && reference.get(e.key.toString('hex')) === e.value)).toBe(
        true,
      );
    }
  });

  it('lazy iteration matches the sorted reference forward and backward, with any bounds', () => {
    const rnd = random(7);
    const map = new SortedBytesMap<number>();
    for (let i = 0; i < 1500; i++)
      map.set(Buffer.from([Math.floor(rnd() * 256), Math.floor(rnd() * 256)]), i);
    const all = map.entries().map((e) => e.key);
    const hex = (entries: Iterable<{ key: Buffer }>) => [...entries].map((e) => e.key.toString('hex'));
    for (let t = 0; t < 20; t++) {
      const a = Buffer.from([Math.floor(rnd() * 256), Math.floor(rnd() * 256)]);
      const b = Buffer.from([Math.floor(rnd() * 256), Math.floor(rnd() * 256)]);
      const [from, to] = Buffer.compare(a, b) <= 0 ? [a, b] : [b, a];
      const inclusive = all.filter((k) => Buffer.compare(k, from) >= 0 && Buffer.compare(k, to) <= 0);
      expect(hex(map.iterate(from, to, false, false))).toEqual(hex(inclusive.map((key) => ({ key }))));
      expect(hex(map.iterate(from, to, false, true))).toEqual(
        hex(inclusive.map((key) => ({ key }))).reverse(),
      );
      const exclusive = inclusive.filter((k) => Buffer.compare(k, to) < 0);
      expect(hex(map.iterate(from, to, true, false))).toEqual(hex(exclusive.map((key) => ({ key }))));
      expect(hex(map.iterate(undefined, to, false, true))).toEqual(
        hex(all.filter((k) => Buffer.compare(k, to) <= 0).map((key) => ({ key }))).reverse(),
      );
    }
  });

  it('an iteration keeps its place while entries are inserted and deleted between batches', () => {
    const map = new SortedBytesMap<number>();
    const key = (n: number) => Buffer.from(String(n).padStart(5, '0'));
    for (let n = 0; n < 1000; n += 2) map.set(key(n), n);
    const seen: number[] = [];
    for (const entry of map.iterate(undefined, undefined, false, false)) {
      if (entry.removed) continue;
      seen.push(entry.value);
      // Behind the cursor: never seen. Ahead of it: inserted (odd) or deleted (multiples of 10).
      if (entry.value === 300) {
        for (let n = 1; n < 1000; n += 2) map.set(key(n), n);
        for (let n = 0; n < 1000; n += 10) map.delete(key(n));
      }
    }
    const upTo300 = Array.from({ length: 151 }, (_, i) => i * 2);
    const after = Array.from({ length: 699 }, (_, i) => 301 + i).filter((n) => n % 10 !== 0);
    expect(seen.slice(0, 151)).toEqual(upTo300);
    // Entries of the batch taken before the change (up to 64 ahead) are flagged or current; the
    // rest follows the map as it is now: no entry twice, none deleted, order kept.
    const rest = seen.slice(151);
    expect([...rest].sort((x, y) => x - y)).toEqual(rest);
    expect(new Set(rest).size).toBe(rest.length);
    expect(rest.every((n) => n % 10 !== 0)).toBe(true);
    expect(rest.filter((n) => n > 430)).toEqual(after.filter((n) => n > 430));
  });
});
