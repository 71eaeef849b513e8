import { FLAGGED_QUALITY_MASK, LONG_GAP_QUALITY_BIT, METRIC_TIME_RANGE } from '@meterstream/common';

/** The windows the speed layer computes, and so the `aggregates_<w>` views of `meterstream sql`. */
export const SQL_WINDOWS = [60, 600, 3600, 86_400] as const;

/** A relation DuckDB reads the raw columns from: a table function call or a view name. */
export type RawRelation = string;

/** `read_parquet` of a local lake copy laid out as the bucket (hive partitions metricType/date). */
export function lakeDirRelation(dir: string): RawRelation {
  return `read_parquet(${sqlString(`${dir}/raw/*/*/*.parquet`)}, hive_partitioning = true, union_by_name = true)`;
}

/** `read_parquet` of a list of Parquet files (at least one). */
export function filesRelation(paths: readonly string[]): RawRelation {
  return `read_parquet([${paths.map(sqlString).join(', ')}], union_by_name = true)`;
}

export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The batch layer's recomputation rule in SQL, so DuckDB computes the same windows as
 * `aggregateMetrics` (batch/recompute.ts), the reference:
 * - the metric rule: finite values and times inside METRIC_TIME_RANGE (what the speed layer accepts);
 * - each (partition, offset) once: a lake holding an overlapping object counts its records once;
 * - half-open event-time range [from, to) when given;
 * - the sum folded in (partition, offset) order — the order the aggregator folded them in — with
 *   list_reduce, a left fold: bit-identical to the reference, where SUM's parallel and reordered
 *   additions would differ in the last bits.
 * - the quality fields (issue #21): flagged readings (ZERO_RUN | CONSTANT_RUN) are left out of max
 *   (NULL when every reading of the window is flagged), counted in flaggedCount; estimated ones in
 *   estimatedCount; a LONG_GAP reading makes its window incomplete, and the earliest `gapFrom` of
 *   its LONG_GAP readings is the window's (the caller keeps it only when before the window, as
 *   toAggregate does). `withQuality` false (a lake of raw objects only, no `quality` / `estimated`
 *   columns): 0 / false for every row; `withGapFrom` false (no object has the column): no gaps.
 * Columns: gateway, metricType, metricAttribute, windowStart and windowEnd (epoch ms), sampleCount,
 * sum, min, max, average, estimatedCount, flaggedCount, incomplete, gapFrom (epoch ms or NULL).
 */
export function aggregatesSql(
  relation: RawRelation,
  window: number,
  range?: { from: number; to: number },
  withQuality = false,
  withGapFrom = false,
): string {
  // Objects written before the columns (or from raw `metrics`) read as NULL under union_by_name.
  const quality = withQuality
    ? 'coalesce(quality, 0) AS quality, coalesce(estimated, false) AS estimated'
    : '0 AS quality, false AS estimated';
  const gapFrom = withQuality && withGapFrom ? 'epoch_ms(gapFrom) AS gapFrom' : 'NULL::BIGINT AS gapFrom';
  const size = window * 1000;
  const inRange = range ? `WHERE ts >= ${range.from} AND ts < ${range.to}` : '';
  return `
WITH valid AS (
  SELECT gateway, metricType, metricAttribute, epoch_ms("timestamp") AS ts, value, kafkaPartition, kafkaOffset,
    ${quality}, ${gapFrom}
  FROM ${relation}
  WHERE isfinite(value) AND epoch_ms("timestamp") >= ${METRIC_TIME_RANGE.from}
    AND epoch_ms("timestamp") < ${METRIC_TIME_RANGE.to}
),
once AS (SELECT DISTINCT ON (kafkaPartition, kafkaOffset) * FROM valid),
windowed AS (SELECT *, ts - (ts % ${size}) AS windowStart FROM once ${inRange}),
folded AS (
  SELECT gateway, metricType, metricAttribute, windowStart, windowStart + ${size} AS windowEnd,
    count(*)::INTEGER AS sampleCount,
    list_reduce(list(value ORDER BY kafkaPartition, kafkaOffset), lambda a, b: a + b) AS sum,
    min(value) AS min, max(value) FILTER (WHERE (quality & ${FLAGGED_QUALITY_MASK}) = 0) AS max,
    count(*) FILTER (WHERE estimated)::INTEGER AS estimatedCount,
    count(*) FILTER (WHERE (quality & ${FLAGGED_QUALITY_MASK}) <> 0)::INTEGER AS flaggedCount,
    bool_or((quality & ${LONG_GAP_QUALITY_BIT}) <> 0) AS incomplete,
    min(gapFrom) AS gapFrom
  FROM windowed
  GROUP BY gateway, metricType, metricAttribute, windowStart
)
SELECT *, sum / sampleCount AS average FROM folded`;
}

/** The counts the batch job reports beside its aggregates (records read, refused, repeated). */
export function recordCountsSql(relation: RawRelation): string {
  const ts = 'epoch_ms("timestamp")';
  const valid = `isfinite(value) AND ${ts} >= ${METRIC_TIME_RANGE.from} AND ${ts} < ${METRIC_TIME_RANGE.to}`;
  return `
SELECT count(*) AS recordsRead,
  count(*) FILTER (WHERE NOT (${valid})) AS recordsRefused,
  count(*) FILTER (WHERE ${valid}) - count(DISTINCT (kafkaPartition, kafkaOffset)) FILTER (WHERE ${valid}) AS repeatedRecords
FROM ${relation}`;
}
