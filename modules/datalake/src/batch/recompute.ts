import { type AggregateMetric, emptyAggregate, foldMetric } from '@meterstream/common';
import type { ArchivedMetric } from '../parquet/metric-parquet.js';

/** One date's windows as an engine computed them, with the counts the batch job reports. */
export interface DayRecompute {
  aggregates: AggregateMetric[];
  recordsRead: number;
  /** Records the metric rule refuses (non-finite value, time outside METRIC_TIME_RANGE). */
  recordsRefused: number;
  /** Valid records met more than once (same partition and offset), counted once. */
  repeatedRecords: number;
}

/**
 * Orders metrics the way the speed layer saw them: one series always lives in one Kafka partition,
 * and the aggregator folds each partition in offset order. Folding in the same order makes the
 * floating-point sums bit-identical to the speed layer's, not just close.
 */
export function sortByPartitionOffset(metrics: ArchivedMetric[]): ArchivedMetric[] {
  return metrics.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/**
 * Removes repeated (partition, offset) records. The sink never writes a record twice, but the
 * batch view must be right even for a lake that holds an overlapping object (e.g. written by a
 * zombie sink instance); returns how many were dropped. Expects sorted input.
 */
export function dropRepeatedOffsets(sorted: ArchivedMetric[]): {
  metrics: ArchivedMetric[];
  repeated: number;
} {
  const unique: ArchivedMetric[] = [];
  for (const metric of sorted) {
    const last = unique[unique.length - 1];
    if (last && last.partition === metric.partition && last.offset === metric.offset) continue;
    unique.push(metric);
  }
  return { metrics: unique, repeated: sorted.length - unique.length };
}

/**
 * Tumbling-window aggregates of `window` seconds over metrics with from <= timestamp < to, folded
 * with common's `foldMetric` — the speed layer's aggregate function — in the given order.
 */
export function aggregateMetrics(
  metrics: readonly ArchivedMetric[],
  window: number,
  range: { from: number; to: number },
): AggregateMetric[] {
  const size = window * 1000;
  const aggregates = new Map<string, AggregateMetric>();
  for (const metric of metrics) {
    if (metric.timestamp < range.from || metric.timestamp >= range.to) continue;
    const windowStart = Math.floor(metric.timestamp / size) * size;
    const key = `${metric.gateway}\u0000${metric.metricType}\u0000${metric.metricAttribute}\u0000${windowStart}`;
    const current = aggregates.get(key) ?? emptyAggregate(metric, windowStart, windowStart + size);
    aggregates.set(key, foldMetric(current, metric));
  }
  return [...aggregates.values()];
}
