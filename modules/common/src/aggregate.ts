import type { MetricIdentity } from './metric.js';

/**
 * Aggregate of one time series over the half-open window [windowStart, windowEnd), instants in
 * epoch milliseconds (UTC) in memory, ISO-8601 on the wire.
 */
export interface AggregateMetric extends MetricIdentity {
  windowStart: number;
  windowEnd: number;
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
  average: number;
}

/**
 * The empty aggregate: no samples, sum 0, and min/max at the identity elements of min and max
 * (+Infinity and -Infinity), so folding the first sample yields min = max = that sample whatever its
 * sign. Its average is NaN (no samples). An empty aggregate is never emitted nor serialized: the
 * serdes refuse it, because it has no meaningful min/max/average.
 */
export function emptyAggregate(id: MetricIdentity, windowStart: number, windowEnd: number): AggregateMetric {
  return toAggregate(id, windowStart, windowEnd, EMPTY_STATS);
}

/**
 * The running statistics of a window: what the speed layer keeps in its window stores (compact,
 * no identity) and what both layers fold samples into.
 */
export interface SampleStats {
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
}

/** No samples: min/max at the identity elements of min and max, so any first sample wins. */
export const EMPTY_STATS: Readonly<SampleStats> = Object.freeze({
  sampleCount: 0,
  sum: 0,
  min: Number.POSITIVE_INFINITY,
  max: Number.NEGATIVE_INFINITY,
});

/**
 * THE aggregate function of meterstream: folds one sample into running statistics, returning new
 * statistics (the input is not modified). The speed layer (streams aggregator) and the batch layer
 * (batch job) both fold with it, so their results can only differ by their inputs.
 */
export function foldSample(stats: Readonly<SampleStats>, value: number): SampleStats {
  return {
    sampleCount: stats.sampleCount + 1,
    sum: stats.sum + value,
    min: value < stats.min ? value : stats.min,
    max: value > stats.max ? value : stats.max,
  };
}

/** The aggregate of a series over [windowStart, windowEnd) from its statistics. */
export function toAggregate(
  id: MetricIdentity,
  windowStart: number,
  windowEnd: number,
  stats: Readonly<SampleStats>,
): AggregateMetric {
  return {
    gateway: id.gateway,
    metricType: id.metricType,
    metricAttribute: id.metricAttribute,
    windowStart,
    windowEnd,
    sampleCount: stats.sampleCount,
    sum: stats.sum,
    min: stats.min,
    max: stats.max,
    average: stats.sampleCount === 0 ? Number.NaN : stats.sum / stats.sampleCount,
  };
}

/** Folds one sample into an aggregate, returning a new aggregate (the input is not modified). */
export function foldValue(aggregate: AggregateMetric, value: number): AggregateMetric {
  return toAggregate(aggregate, aggregate.windowStart, aggregate.windowEnd, foldSample(aggregate, value));
}

/** Folds a metric's value into an aggregate (the speed and batch layers both use this function). */
export function foldMetric(aggregate: AggregateMetric, metric: { value: number }): AggregateMetric {
  return foldValue(aggregate, metric.value);
}

/** Combines two aggregates of the same series and window (e.g. partial batch results). */
export function mergeAggregates(a: AggregateMetric, b: AggregateMetric): AggregateMetric {
  const sampleCount = a.sampleCount + b.sampleCount;
  const sum = a.sum + b.sum;
  return {
    ...a,
    sampleCount,
    sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    average: sampleCount === 0 ? Number.NaN : sum / sampleCount,
  };
}

export function isEmptyAggregate(aggregate: AggregateMetric): boolean {
  return aggregate.sampleCount === 0;
}
