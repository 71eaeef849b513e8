import type { AggregateMetric, MetricIdentity } from '@meterstream/common';

export type DifferenceKind = 'missing-in-batch' | 'missing-in-speed' | 'values-differ';

export interface AggregateDifference {
  series: MetricIdentity;
  windowStart: number;
  kind: DifferenceKind;
  /** For values-differ: the fields that differ. */
  fields: string[];
  batch?: AggregateMetric;
  speed?: AggregateMetric;
}

function close(a: number, b: number, relativeTolerance: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= relativeTolerance * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Compares the batch and speed aggregates of one series window by window. Counts (sampleCount, estimatedCount,
 * flaggedCount), min, max, incomplete and the window end must be equal; sum and average may differ by `relativeTolerance` (0 demands bit
 * equality, which is what the batch job's fold order yields against an in-order speed layer).
 */
export function compareSeries(
  series: MetricIdentity,
  batch: readonly AggregateMetric[],
  speed: readonly AggregateMetric[],
  relativeTolerance: number,
  gapsKnownBefore = Number.POSITIVE_INFINITY,
): AggregateDifference[] {
  // A window a long gap began in is marked when the reading after the gap is stored. The batch
  // layer sees that reading only once its runs reach it: a gap closed at or after `gapsKnownBefore`
  // (the batch coverage's end) is not held against it — the speed layer just knows it sooner.
  const incomplete = (a: AggregateMetric) =>
    (a.incomplete ?? false) || (a.gapClosedIn !== undefined && a.gapClosedIn < gapsKnownBefore);
  const differences: AggregateDifference[] = [];
  const speedByStart = new Map(speed.map((a) => [a.windowStart, a]));
  for (const b of batch) {
    const s = speedByStart.get(b.windowStart);
    speedByStart.delete(b.windowStart);
    if (!s) {
      differences.push({
        series,
        windowStart: b.windowStart,
        kind: 'missing-in-speed',
        fields: [],
        batch: b,
      });
      continue;
    }
    const fields: string[] = [];
    if (b.windowEnd !== s.windowEnd) fields.push('windowEnd');
    if (b.sampleCount !== s.sampleCount) fields.push('sampleCount');
    if (b.min !== s.min) fields.push('min');
    if (b.max !== s.max) fields.push('max');
    // Issue #21: how far each layer trusts the window must agree too (absent = 0 / false).
    if ((b.estimatedCount ?? 0) !== (s.estimatedCount ?? 0)) fields.push('estimatedCount');
    if ((b.flaggedCount ?? 0) !== (s.flaggedCount ?? 0)) fields.push('flaggedCount');
    if (incomplete(b) !== incomplete(s)) fields.push('incomplete');
    if (!close(b.sum, s.sum, relativeTolerance)) fields.push('sum');
    if (!close(b.average, s.average, relativeTolerance)) fields.push('average');
    if (fields.length)
      differences.push({
        series,
        windowStart: b.windowStart,
        kind: 'values-differ',
        fields,
        batch: b,
        speed: s,
      });
  }
  for (const s of speedByStart.values()) {
    differences.push({ series, windowStart: s.windowStart, kind: 'missing-in-batch', fields: [], speed: s });
  }
  return differences.sort((x, y) => x.windowStart - y.windowStart);
}
