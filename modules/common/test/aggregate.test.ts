import { describe, expect, it } from 'vitest';
import {
  type AggregateMetric,
  emptyAggregate,
  foldMetric,
  isEmptyAggregate,
  mergeAggregates,
} from '../src/index.js';

const id = { gateway: '7', metricType: 'WATER', metricAttribute: 'WATER_IDD' } as const;

/** Brute-force reference: statistics computed directly from the whole sample array. */
function reference(values: number[]) {
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    sampleCount: values.length,
    sum,
    min: Math.min(...values),
    max: Math.max(...values),
    average: sum / values.length,
  };
}

function foldAll(values: number[]): AggregateMetric {
  return values.reduce((agg, value) => foldMetric(agg, { value }), emptyAggregate(id, 0, 60_000));
}

// A small deterministic PRNG so failures reproduce.
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('aggregate folding', () => {
  it('defines the empty aggregate: no samples, identity min/max, NaN average', () => {
    const empty = emptyAggregate(id, 0, 60_000);
    expect(isEmptyAggregate(empty)).toBe(true);
    expect(empty).toMatchObject({
      sampleCount: 0,
      sum: 0,
      min: Infinity,
      max: -Infinity,
      windowStart: 0,
      windowEnd: 60_000,
    });
    expect(empty.average).toBeNaN();
  });

  it('matches a brute-force reference on random data including negatives', () => {
    const random = mulberry32(42);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(random() * 50);
      const values = Array.from({ length: n }, () => (random() - 0.7) * 1000);
      const folded = foldAll(values);
      const expected = reference(values);
      expect(folded.sampleCount).toBe(expected.sampleCount);
      expect(folded.min).toBe(expected.min);
      expect(folded.max).toBe(expected.max);
      expect(folded.sum).toBeCloseTo(expected.sum, 9);
      expect(folded.average).toBeCloseTo(expected.average, 9);
    }
  });

  it('is right when every value is negative (no smallest-positive-double initial max)', () => {
    expect(foldAll([-5, -3, -9])).toMatchObject({ min: -9, max: -3, sum: -17, sampleCount: 3 });
  });

  it('handles a single sample', () => {
    expect(foldAll([-2.5])).toMatchObject({ sampleCount: 1, sum: -2.5, min: -2.5, max: -2.5, average: -2.5 });
  });

  it('handles equal values', () => {
    expect(foldAll([4, 4, 4, 4])).toMatchObject({ sampleCount: 4, sum: 16, min: 4, max: 4, average: 4 });
  });

  it('does not modify its input', () => {
    const empty = emptyAggregate(id, 0, 60_000);
    foldMetric(empty, { value: 1 });
    expect(empty.sampleCount).toBe(0);
  });

  it('merging two partial aggregates equals folding all values', () => {
    const a = foldAll([1, -2, 3]);
    const b = foldAll([10, -20]);
    expect(mergeAggregates(a, b)).toEqual(foldAll([1, -2, 3, 10, -20]));
    expect(mergeAggregates(emptyAggregate(id, 0, 60_000), a)).toEqual(a);
  });
});
