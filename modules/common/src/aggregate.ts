import type { MetricIdentity } from './metric.js';
import { FLAGGED_QUALITY_MASK, LONG_GAP_QUALITY_BIT, type ReadingQuality } from './quality-flags.js';

/**
 * Aggregate of one time series over the half-open window [windowStart, windowEnd), instants in
 * epoch milliseconds (UTC) in memory, ISO-8601 on the wire.
 *
 * Over clean readings (`metrics-clean`) the aggregate also says how far to trust it:
 * `estimatedCount` readings were interpolated, `flaggedCount` came from a meter flagged faulty
 * (ZERO_RUN / CONSTANT_RUN) — counted in sampleCount, sum, min and average but not in `max` (the
 * peak) — and `incomplete` marks a window holding the first reading after a long gap. The three are
 * absent when 0/false (raw `metrics` aggregates stay exactly as they were); read them with `?? 0`.
 * When every reading of a window is flagged, `max` is -Infinity in memory (no peak) and null on the
 * wire, in Cassandra and in the serving API.
 */
export interface AggregateMetric extends MetricIdentity {
  windowStart: number;
  windowEnd: number;
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
  average: number;
  estimatedCount?: number;
  flaggedCount?: number;
  incomplete?: boolean;
  /**
   * When a long gap ended in this window but began in an earlier one: the time of the last reading
   * before the gap (the earliest such, epoch ms). The window the gap began in is incomplete too; it
   * has closed by now, so whoever stores this aggregate marks that window (AggregateDao.saveAll)
   * rather than the aggregator re-opening it. Absent otherwise.
   */
  gapFrom?: number;
  /**
   * On a stored row (AggregateDao) of the window a long gap began in: the start of the later window
   * it ended in, as marked by whoever stored that one. The window is incomplete from then on
   * (`isIncomplete`); `incomplete` itself says what the window's own readings said.
   */
  gapClosedIn?: number;
}

/** Whether a gap too long to fill touched the window: its own LONG_GAP reading, or a gap that began in it. */
export function isIncomplete(aggregate: Pick<AggregateMetric, 'incomplete' | 'gapClosedIn'>): boolean {
  return (aggregate.incomplete ?? false) || aggregate.gapClosedIn !== undefined;
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
  /** Over unflagged readings only (-Infinity while there is none). */
  max: number;
  estimatedCount: number;
  flaggedCount: number;
  incomplete: boolean;
  /** The earliest gapFrom of the window's LONG_GAP readings (+Infinity: none). */
  gapFrom: number;
}

/** No samples: min/max at the identity elements of min and max, so any first sample wins. */
export const EMPTY_STATS: Readonly<SampleStats> = Object.freeze({
  sampleCount: 0,
  sum: 0,
  min: Number.POSITIVE_INFINITY,
  max: Number.NEGATIVE_INFINITY,
  estimatedCount: 0,
  flaggedCount: 0,
  incomplete: false,
  gapFrom: Number.POSITIVE_INFINITY,
});

/**
 * THE aggregate function of meterstream: folds one sample into running statistics, returning new
 * statistics (the input is not modified). The speed layer (streams aggregator) and the batch layer
 * (batch job) both fold with it, so their results can only differ by their inputs.
 */
export function foldSample(stats: Readonly<SampleStats>, value: number): SampleStats {
  return foldReading(stats, value, undefined, undefined);
}

/**
 * foldSample for a clean reading: a flagged reading (FLAGGED_QUALITY_MASK) counts everywhere but
 * in the peak, an estimated one is counted, a long-gap one marks the window incomplete and keeps
 * where its gap began (`gapFrom`, the earliest).
 */
export function foldReading(
  stats: Readonly<SampleStats>,
  value: number,
  quality: number | undefined,
  estimated: boolean | undefined,
  gapFrom?: number,
): SampleStats {
  const flagged = quality !== undefined && (quality & FLAGGED_QUALITY_MASK) !== 0;
  return {
    sampleCount: stats.sampleCount + 1,
    sum: stats.sum + value,
    min: value < stats.min ? value : stats.min,
    max: !flagged && value > stats.max ? value : stats.max,
    estimatedCount: estimated === true ? stats.estimatedCount + 1 : stats.estimatedCount,
    flaggedCount: flagged ? stats.flaggedCount + 1 : stats.flaggedCount,
    incomplete: stats.incomplete || (quality !== undefined && (quality & LONG_GAP_QUALITY_BIT) !== 0),
    gapFrom: gapFrom !== undefined && gapFrom < stats.gapFrom ? gapFrom : stats.gapFrom,
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
    ...qualityFields(stats.estimatedCount ?? 0, stats.flaggedCount ?? 0, stats.incomplete ?? false),
    ...gapFromField(windowStart, stats.gapFrom),
  };
}

/** `gapFrom` only when the gap began before the window (within it, the window's own flag says it all). */
export function gapFromField(
  windowStart: number,
  gapFrom: number | undefined,
): Pick<AggregateMetric, 'gapFrom'> {
  return gapFrom !== undefined && gapFrom < windowStart ? { gapFrom } : {};
}

/** The quality fields of an aggregate, only those not at their default (0 / false). */
export function qualityFields(
  estimatedCount: number,
  flaggedCount: number,
  incomplete: boolean,
): Pick<AggregateMetric, 'estimatedCount' | 'flaggedCount' | 'incomplete'> {
  return {
    ...(estimatedCount !== 0 && { estimatedCount }),
    ...(flaggedCount !== 0 && { flaggedCount }),
    ...(incomplete && { incomplete }),
  };
}

/** The statistics of an aggregate (what foldReading continues from). */
export function statsOf(aggregate: AggregateMetric): SampleStats {
  return {
    sampleCount: aggregate.sampleCount,
    sum: aggregate.sum,
    min: aggregate.min,
    max: aggregate.max,
    estimatedCount: aggregate.estimatedCount ?? 0,
    flaggedCount: aggregate.flaggedCount ?? 0,
    incomplete: aggregate.incomplete ?? false,
    gapFrom: aggregate.gapFrom ?? Number.POSITIVE_INFINITY,
  };
}

/** Folds one sample into an aggregate, returning a new aggregate (the input is not modified). */
export function foldValue(aggregate: AggregateMetric, value: number): AggregateMetric {
  return toAggregate(
    aggregate,
    aggregate.windowStart,
    aggregate.windowEnd,
    foldSample(statsOf(aggregate), value),
  );
}

/**
 * Folds a metric (raw, or a clean reading with its quality fields) into an aggregate (the speed
 * and batch layers both use this function).
 */
export function foldMetric(
  aggregate: AggregateMetric,
  metric: { value: number } & ReadingQuality,
): AggregateMetric {
  return toAggregate(
    aggregate,
    aggregate.windowStart,
    aggregate.windowEnd,
    foldReading(statsOf(aggregate), metric.value, metric.quality, metric.estimated, metric.gapFrom),
  );
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
    ...qualityFields(
      (a.estimatedCount ?? 0) + (b.estimatedCount ?? 0),
      (a.flaggedCount ?? 0) + (b.flaggedCount ?? 0),
      (a.incomplete ?? false) || (b.incomplete ?? false),
    ),
    ...gapFromField(
      a.windowStart,
      Math.min(a.gapFrom ?? Number.POSITIVE_INFINITY, b.gapFrom ?? Number.POSITIVE_INFINITY),
    ),
  };
}

export function isEmptyAggregate(aggregate: AggregateMetric): boolean {
  return aggregate.sampleCount === 0;
}
