import {
  type ArchivedMetric,
  aggregateMetrics,
  dropRepeatedOffsets,
  sortByPartitionOffset,
} from '@meterstream/datalake';
import { describe, expect, it } from 'vitest';
import { random, referenceAggregates as reference, sampleMetrics } from './helpers/metrics.js';

const byKey = (a: { gateway: string; metricType: string; metricAttribute: string; windowStart: number }) =>
  `${a.gateway}|${a.metricType}|${a.metricAttribute}|${a.windowStart}`;

describe('batch recompute', () => {
  const start = Date.UTC(2006, 11, 16);
  const metrics: ArchivedMetric[] = sampleMetrics({
    gateways: 4,
    start,
    steps: 3 * 24 * 6,
    stepMs: 600_000,
    seed: 3,
  }).map((metric, i) => ({ ...metric, partition: i % 4, offset: Math.floor(i / 4) }));

  for (const window of [60, 600, 3600, 86400]) {
    it(`window ${window} s: equals an independent reference over [from, to)`, () => {
      const from = start + 86_400_000;
      const to = start + 2 * 86_400_000;
      const shuffled = [...metrics].sort(() => random(window)() - 0.5);
      const actual = aggregateMetrics(sortByPartitionOffset(shuffled), window, { from, to });
      const expected = reference(sortByPartitionOffset([...metrics]), window, from, to);
      expect(actual.length).toBe(expected.length);
      expect(actual.sort((a, b) => byKey(a).localeCompare(byKey(b)))).toEqual(
        expected.sort((a, b) => byKey(a).localeCompare(byKey(b))),
      );
      expect(actual.reduce((n, a) => n + a.sampleCount, 0)).toBe(
        metrics.filter((m) => m.timestamp >= from && m.timestamp < to).length,
      );
    });
  }

  it('counts a record met twice (same partition and offset) once', () => {
    const sorted = sortByPartitionOffset([...metrics.slice(0, 100), ...metrics.slice(50, 60)]);
    const { metrics: unique, repeated } = dropRepeatedOffsets(sorted);
    expect(repeated).toBe(10);
    expect(unique.length).toBe(100);
  });
});
