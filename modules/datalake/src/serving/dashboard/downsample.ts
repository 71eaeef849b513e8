import type { MetricAttribute, MetricType } from '@meterstream/common';
import { InvalidParameterError, WINDOWS } from '../../time-range.js';
import { MAX_LIMIT, parseServingQuery } from '../parse-query.js';
import { type Layer, type ServingStores, queryAggregates } from '../query.js';

export interface DownsampleQuery {
  gateway: string;
  metricType: MetricType;
  attribute: MetricAttribute;
  from: number;
  to: number;
  /** Pixel buckets wanted over [from, to): the chart's width. */
  points: number;
  /** A fixed window, or undefined: the coarsest window no wider than a bucket that holds rows. */
  window?: number;
}

/** Column-wise (compact JSON, and the shape uPlot takes): one entry per non-empty bucket. */
export interface DownsampleResult {
  window: number;
  bucketMs: number;
  lowWaterMark: number | null;
  highWaterMark: number | null;
  /** Bucket start (epoch ms). */
  t: number[];
  min: number[];
  max: number[];
  /** Sample-weighted: sum of the windows' sums over their sample counts. */
  avg: number[];
  count: number[];
  /** Which view the bucket's windows came from; `mixed` straddles the batch high-water mark. */
  layer: (Layer | 'mixed')[];
}

export const MAX_POINTS = 5000;

/**
 * Parses `GET /downsample`: the series and range as `/aggregates` takes them, `points` (1…5000),
 * optional `window` (60, 600, 3600, 86400 or `auto`).
 */
export function parseDownsampleQuery(raw: Record<string, unknown>): DownsampleQuery {
  const { points, window, ...rest } = raw;
  const base = parseServingQuery({
    ...rest,
    window: window === undefined || window === 'auto' ? '60' : window,
  });
  const text = String(points ?? '');
  const count = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(count >= 1 && count <= MAX_POINTS))
    throw new InvalidParameterError(
      'points',
      `expected an integer from 1 to ${MAX_POINTS}, got ${JSON.stringify(points)}`,
    );
  return {
    gateway: base.gateway,
    metricType: base.metricType,
    attribute: base.attribute,
    from: base.from,
    to: base.to,
    points: count,
    window: window === undefined || window === 'auto' ? undefined : base.window,
  };
}

/**
 * Server-side downsampling so the chart can zoom over days without loading every window: the range
 * is cut into `points` buckets; each bucket folds the merged (batch + real-time) windows starting in
 * it into min, max and a sample-weighted average. The window read is the coarsest one no wider than
 * a bucket (a week over 1000 px reads 10-minute windows, ~1000 rows); when that view is empty (its
 * aggregator is not running) the next finer one is tried. At most MAX_LIMIT rows are read.
 */
export async function downsample(stores: ServingStores, query: DownsampleQuery): Promise<DownsampleResult> {
  const span = query.to - query.from;
  const wanted = Math.ceil(span / query.points);
  const candidates = query.window
    ? [query.window]
    : WINDOWS.filter((w) => w * 1000 <= wanted || w === 60).sort((a, b) => b - a);
  let window = candidates[candidates.length - 1]!;
  let served: Awaited<ReturnType<typeof queryAggregates>> | undefined;
  for (const candidate of candidates) {
    window = candidate;
    served = await queryAggregates(stores, { ...query, window, limit: MAX_LIMIT });
    if (served.rows.length > 0) break;
  }
  // A bucket is never narrower than the window read: finer buckets would only repeat it.
  const bucketMs = Math.max(wanted, window * 1000);
  const result: DownsampleResult = {
    window,
    bucketMs,
    lowWaterMark: served?.lowWaterMark ?? null,
    highWaterMark: served?.highWaterMark ?? null,
    t: [],
    min: [],
    max: [],
    avg: [],
    count: [],
    layer: [],
  };
  let sum = 0;
  const flush = () => {
    const i = result.t.length - 1;
    if (i >= 0) result.avg[i] = result.count[i]! > 0 ? sum / result.count[i]! : Number.NaN;
  };
  for (const row of served?.rows ?? []) {
    const start = query.from + Math.floor((row.windowStart - query.from) / bucketMs) * bucketMs;
    const i = result.t.length - 1;
    if (i < 0 || result.t[i] !== start) {
      flush();
      result.t.push(start);
      result.min.push(row.min);
      result.max.push(row.max);
      result.avg.push(Number.NaN);
      result.count.push(row.sampleCount);
      result.layer.push(row.layer);
      sum = row.sum;
      continue;
    }
    result.min[i] = Math.min(result.min[i]!, row.min);
    result.max[i] = Math.max(result.max[i]!, row.max);
    result.count[i]! += row.sampleCount;
    if (result.layer[i] !== row.layer) result.layer[i] = 'mixed';
    sum += row.sum;
  }
  flush();
  return result;
}
