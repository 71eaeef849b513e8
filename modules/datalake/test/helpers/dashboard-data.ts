import {
  type AggregateMetric,
  type MetricIdentity,
  emptyAggregate,
  mergeAggregates,
} from '@meterstream/common';
import { random } from './metrics.js';

export const SERIES: MetricIdentity = {
  gateway: '0',
  metricType: 'ELECTRICITY',
  metricAttribute: 'ACTIVE_POWER',
};

/** `count` one-reading 1-minute windows from `start`, values not round (seeded, reproducible). */
export function minuteWindows(start: number, count: number, seed = 7, id = SERIES): AggregateMetric[] {
  const next = random(seed);
  const rows: AggregateMetric[] = [];
  for (let i = 0; i < count; i++) {
    const windowStart = start + i * 60_000;
    const value = Math.round((500 + 400 * Math.sin(i / 90) + 100 * next()) * 1000) / 1000;
    rows.push({
      ...id,
      windowStart,
      windowEnd: windowStart + 60_000,
      sampleCount: 1,
      min: value,
      max: value,
      sum: value,
      average: value,
    });
  }
  return rows;
}

/** The coarser windows of the minute rows, merged as the aggregator's fold would. */
export function coarser(rows: AggregateMetric[], window: number): AggregateMetric[] {
  const span = window * 1000;
  const out = new Map<number, AggregateMetric>();
  for (const row of rows) {
    const start = Math.floor(row.windowStart / span) * span;
    out.set(start, mergeAggregates(out.get(start) ?? emptyAggregate(row, start, start + span), row));
  }
  return [...out.values()];
}
