/**
 * Partition buckets. A time series of one window would grow one Cassandra partition without bound;
 * the bucket column splits it by calendar period (UTC) so a partition stays small: a 60 s series
 * holds 1,440 rows per day bucket, a 3600 s series 744 rows per month bucket, a 86400 s series
 * about 365 rows a year in its single constant bucket.
 */
export type BucketUnit = 'day' | 'month' | 'none';

/** The aggregation windows of the project, in seconds. */
export const DEFAULT_WINDOWS = [60, 600, 3600, 86400] as const;

/**
 * Day buckets for minute windows, month for hours, none for days: the partition layout of the
 * original smart-meter pipeline meterstream reimplements, so one partition stays bounded (a day of
 * minutes is 1,440 rows per series) while longer windows need no bucket.
 */
export const DEFAULT_BUCKET_UNITS: Readonly<Record<number, BucketUnit>> = {
  60: 'day',
  600: 'day',
  3600: 'month',
  86400: 'none',
};

/** The bucket value of a series with no bucketing: every row lands in this one partition. */
export const CONSTANT_BUCKET = 'all';

/** Which unit a window uses: an explicit override, the default table, else `none` for long windows. */
export function bucketUnitFor(
  windowSeconds: number,
  overrides?: Readonly<Record<number, BucketUnit>>,
): BucketUnit {
  const unit = overrides?.[windowSeconds] ?? DEFAULT_BUCKET_UNITS[windowSeconds];
  if (unit) return unit;
  // A window we have no rule for: keep partitions near the defaults' sizes.
  return windowSeconds < 3600 ? 'day' : windowSeconds < 86400 ? 'month' : 'none';
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The bucket holding instant `epochMs` (UTC): `2006-12-16`, `2006-12` or `all`. */
export function bucketOf(unit: BucketUnit, epochMs: number): string {
  if (unit === 'none') return CONSTANT_BUCKET;
  const date = new Date(epochMs);
  const month = `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}`;
  return unit === 'month' ? month : `${month}-${pad2(date.getUTCDate())}`;
}

/** The first instant of the bucket after the one holding `epochMs`. */
function nextBucketStart(unit: 'day' | 'month', epochMs: number): number {
  const date = new Date(epochMs);
  return unit === 'day'
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1)
    : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** The first instant of the bucket holding `epochMs`. */
export function bucketStart(unit: BucketUnit, epochMs: number): number {
  if (unit === 'none') return Number.NEGATIVE_INFINITY;
  const date = new Date(epochMs);
  return unit === 'day'
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
    : Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/**
 * Every bucket that can hold an instant of the half-open range [from, to), oldest first. Empty when
 * the range is empty.
 */
export function bucketsInRange(unit: BucketUnit, from: number, to: number): string[] {
  if (!(to > from)) return [];
  if (unit === 'none') return [CONSTANT_BUCKET];
  const buckets: string[] = [];
  for (let t = bucketStart(unit, from); t < to; t = nextBucketStart(unit, t)) buckets.push(bucketOf(unit, t));
  return buckets;
}

/** The bucket before the one holding `epochMs` — used when walking back in time (e.g. `latest`). */
export function previousBucketInstant(unit: BucketUnit, epochMs: number): number {
  return bucketStart(unit, epochMs) - 1;
}
