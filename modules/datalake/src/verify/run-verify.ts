import type { S3Client } from '@aws-sdk/client-s3';
import {
  type Logger,
  type MetricIdentity,
  type ProgressOptions,
  type ProgressReporter,
  createProgressReporter,
  formatMetricKey,
  parseMetricKey,
} from '@meterstream/common';
import type { AggregateDao, HighWaterMarkDao } from '@meterstream/persistence';
import { datesInRange } from '../layout.js';
import { listRawObjects, mapBounded, readRawObject } from '../lake-reader.js';
import { requireWindowAligned } from '../time-range.js';
import { type AggregateDifference, compareSeries } from './compare.js';

export interface VerifyOptions {
  speed: AggregateDao;
  batch: AggregateDao;
  window: number;
  from: number;
  to: number;
  /** The series to compare; discovered from the lake (objects of the range's dates) when absent. */
  series?: MetricIdentity[];
  lake?: { s3: S3Client; bucket: string };
  /** Allowed relative difference of sum and average (default 1e-9). */
  relativeTolerance?: number;
  /** Only windows ending at or before this instant are closed (default: now). */
  now?: number;
  /**
   * The batch layer's water marks: when given, only windows the batch view covers are compared
   * (a window no batch run recomputed has no batch row by design, not by mistake).
   */
  marks?: HighWaterMarkDao;
  /**
   * Show progress — objects read while discovering the series, then series compared: a bar on a
   * terminal, `verify progress` lines through `logger` otherwise. Off when absent.
   */
  progress?: Pick<ProgressOptions, 'tty' | 'logIntervalMs' | 'stream'> & { logger?: Logger };
}

export interface VerifyResult {
  window: number;
  /** The range compared: the requested one, cut to closed windows and to the batch coverage. */
  from: number;
  to: number;
  series: number;
  /** Closed windows found in either layer. */
  windowsCompared: number;
  differences: AggregateDifference[];
}

/** Every series that has a record in the lake on the given dates. */
export async function seriesInLake(
  s3: S3Client,
  bucket: string,
  dates: string[],
  progress?: (total: number) => ProgressReporter,
): Promise<MetricIdentity[]> {
  const objects = await listRawObjects(s3, bucket, dates);
  const keys = new Set<string>();
  const reporter = progress?.(objects.length);
  let read = 0;
  try {
    await mapBounded(objects, 4, async (object) => {
      for (const metric of await readRawObject(s3, bucket, object.key)) keys.add(formatMetricKey(metric));
      reporter?.update(++read, 'discovering series');
    });
  } finally {
    reporter?.stop();
  }
  return [...keys].sort().map(parseMetricKey);
}

/**
 * The consistency report: for every series and every closed window in [from, to), the batch
 * view's aggregate must equal the speed layer's. Reads both tables through the DAO by series and
 * range (partition-key queries, no table scans).
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const { window } = options;
  requireWindowAligned({ from: options.from, to: options.to }, window);
  let from = options.from;
  let closedBy = Math.min(options.to, options.now ?? Date.now());
  // Gaps closed before this the batch layer has seen (compareSeries).
  let gapsKnownBefore = closedBy;
  if (options.marks) {
    const mark = await options.marks.get(window);
    from = Math.max(from, mark?.lowWaterMark ?? options.to);
    closedBy = Math.min(closedBy, mark?.highWaterMark ?? from);
    gapsKnownBefore = mark?.highWaterMark ?? from;
  }
  const to = Math.max(from, Math.floor(closedBy / (window * 1000)) * window * 1000);
  const reporter = (unit: string, countField: string) => (total: number) =>
    createProgressReporter({ label: 'verify', unit, countField, total, ...options.progress });
  let series = options.series;
  if (!series) {
    if (!options.lake) throw new Error('verify needs either a series list or the lake to discover series');
    series =
      to > from
        ? await seriesInLake(
            options.lake.s3,
            options.lake.bucket,
            datesInRange(from, to),
            options.progress ? reporter('objects', 'objectsRead') : undefined,
          )
        : [];
  }
  const tolerance = options.relativeTolerance ?? 1e-9;
  const result: VerifyResult = {
    window,
    from,
    to,
    series: series.length,
    windowsCompared: 0,
    differences: [],
  };
  if (to <= from) return result;
  const progress = options.progress ? reporter('series', 'seriesCompared')(series.length) : undefined;
  let compared = 0;
  try {
    await mapBounded(series, 8, async (identity) => {
      const query = {
        gateway: identity.gateway,
        metricType: identity.metricType,
        attribute: identity.metricAttribute,
        window,
        from,
        to,
        order: 'asc' as const,
      };
      const [batch, speed] = await Promise.all([
        options.batch.listAggregates(query),
        options.speed.listAggregates(query),
      ]);
      result.windowsCompared += new Set([...batch, ...speed].map((a) => a.windowStart)).size;
      result.differences.push(...compareSeries(identity, batch, speed, tolerance, gapsKnownBefore));
      progress?.update(++compared);
    });
  } finally {
    progress?.stop();
  }
  result.differences.sort(
    (a, b) =>
      formatMetricKey(a.series).localeCompare(formatMetricKey(b.series)) || a.windowStart - b.windowStart,
  );
  return result;
}
