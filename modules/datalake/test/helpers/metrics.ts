import {
  ATTRIBUTES_BY_TYPE,
  type AggregateMetric,
  METRIC_TYPES,
  type Metric,
  type MetricAttribute,
  type MetricType,
} from '@meterstream/common';
import type { ArchivedMetric } from '@meterstream/datalake';

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Readings of `gateways` gateways, every type and attribute, one per `stepMs` from `start`, with
 * values that are not round (so float folding order matters).
 */
export function sampleMetrics(options: {
  gateways: number;
  start: number;
  steps: number;
  stepMs: number;
  seed?: number;
}): Metric[] {
  const next = random(options.seed ?? 1);
  const metrics: Metric[] = [];
  for (let step = 0; step < options.steps; step++) {
    for (let g = 0; g < options.gateways; g++) {
      for (const metricType of METRIC_TYPES) {
        for (const metricAttribute of ATTRIBUTES_BY_TYPE[metricType]) {
          metrics.push({
            gateway: `gw-${g}`,
            metricType,
            metricAttribute,
            timestamp: options.start + step * options.stepMs + Math.floor(next() * options.stepMs),
            value: Math.round((next() * 1000 - 100) * 1e6) / 1e6 + 0.1,
          });
        }
      }
    }
  }
  return metrics;
}

/**
 * Window aggregates computed without common's fold: group, then plain loops, folding each series in
 * (partition, offset) order. Expects metrics sorted by partition and offset.
 */
export function referenceAggregates(
  metrics: ArchivedMetric[],
  window: number,
  from: number,
  to: number,
): AggregateMetric[] {
  const groups = new Map<string, ArchivedMetric[]>();
  for (const m of metrics) {
    if (m.timestamp < from || m.timestamp >= to) continue;
    const start = m.timestamp - (m.timestamp % (window * 1000));
    const key = [m.gateway, m.metricType, m.metricAttribute, start].join('|');
    const members = groups.get(key) ?? [];
    members.push(m);
    groups.set(key, members);
  }
  return [...groups.entries()].map(([key, members]) => {
    const [gateway, metricType, metricAttribute, start] = key.split('|');
    let sum = 0;
    for (const m of members) sum += m.value;
    return {
      gateway: gateway!,
      metricType: metricType as MetricType,
      metricAttribute: metricAttribute as MetricAttribute,
      windowStart: Number(start),
      windowEnd: Number(start) + window * 1000,
      sampleCount: members.length,
      sum,
      min: Math.min(...members.map((m) => m.value)),
      max: Math.max(...members.map((m) => m.value)),
      average: sum / members.length,
    };
  });
}
