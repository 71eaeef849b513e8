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
  return {
    gateway: id.gateway,
    metricType: id.metricType,
    metricAttribute: id.metricAttribute,
    windowStart,
    windowEnd,
    sampleCount: 0,
    sum: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    average: Number.NaN,
  };
}

/** Folds one sample into an aggregate, returning a new aggregate (the input is not modified). */
export function foldValue(aggregate: AggregateMetric, value: number): AggregateMetric {
  const sampleCount = aggregate.sampleCount + 1;
  const sum = aggregate.sum + value;
  return {
    ...aggregate,
    sampleCount,
    sum,
    min: Math.min(value, aggregate.min),
    max: Math.max(value, aggregate.max),
    average: sum / sampleCount,
  };
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
