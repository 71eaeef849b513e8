import { type AggregateMetric, gapFromField, qualityFields } from '../aggregate.js';
import type { ReadingQuality } from '../quality-flags.js';
import { DeserializationError, type InvalidRecordReason, type PayloadSource } from '../errors.js';
import {
  METRIC_TIME_RANGE,
  type Metric,
  type MetricReading,
  isMetricAttribute,
  isMetricTime,
  isMetricType,
} from '../metric.js';
import { formatInstant, parseInstant } from '../time.js';

/** The wire shape of a Metric (JSON and Avro): instants as ISO-8601 strings. */
export interface MetricWire {
  gateway: string;
  metricType: string;
  metricAttribute: string;
  timestamp: string;
  value: number;
  /** Optional (schema evolution): absent or null means the attribute's canonical unit. */
  unit?: string | null;
}

export interface AggregateMetricWire {
  gateway: string;
  metricType: string;
  metricAttribute: string;
  windowStart: string;
  windowEnd: string;
  sampleCount: number;
  sum: number;
  min: number;
  /** null when every reading of the window came from a flagged meter (no peak). */
  max: number | null;
  average: number;
  /** Present when not 0 / false (AggregateMetric). */
  estimatedCount?: number;
  flaggedCount?: number;
  incomplete?: boolean;
  /** ISO-8601: a long gap that ended in this window began at this earlier time (AggregateMetric). */
  gapFrom?: string;
}

/** Reads fields out of an untyped decoded payload, raising DeserializationError on the first problem. */
class FieldReader {
  constructor(
    private readonly object: Record<string, unknown>,
    private readonly format: string,
  ) {}

  fail(reason: string, kind?: InvalidRecordReason): never {
    throw new DeserializationError(reason, this.format, undefined, { kind });
  }

  present(name: string): unknown {
    if (!(name in this.object) || this.object[name] === undefined || this.object[name] === null) {
      this.fail(`missing field "${name}"`);
    }
    return this.object[name];
  }

  string(name: string): string {
    const value = this.present(name);
    if (typeof value !== 'string') this.fail(`field "${name}" must be a string, got ${typeof value}`);
    return value;
  }

  nonEmptyString(name: string): string {
    const value = this.string(name);
    if (value.length === 0) this.fail(`field "${name}" must not be empty`);
    return value;
  }

  finite(name: string, kind: InvalidRecordReason = 'non-finite-value'): number {
    const value = this.present(name);
    if (typeof value !== 'number') this.fail(`field "${name}" must be a number, got ${typeof value}`);
    if (!Number.isFinite(value)) this.fail(`field "${name}" must be finite, got ${value}`, kind);
    return value;
  }

  instant(name: string): number {
    const parsed = parseInstant(this.string(name));
    if (typeof parsed !== 'number') this.fail(`field "${name}": ${parsed.error}`, 'bad-timestamp');
    return parsed;
  }

  /** An event time of a metric: an instant (or, from a projection, epoch ms) in METRIC_TIME_RANGE. */
  metricTime(name: string, parsed: boolean): number {
    const time = parsed ? this.finite(name, 'bad-timestamp') : this.instant(name);
    if (!isMetricTime(time)) this.fail(outOfRange(name, time), 'timestamp-out-of-range');
    return time;
  }

  /** A non-negative integer field up to `bound`, absent or null: 0. */
  optionalCount(name: string, bound: number): number {
    const value = this.object[name];
    if (value === undefined || value === null) return 0;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > bound)
      this.fail(`field "${name}" must be an integer in [0, ${bound}], got ${String(value)}`);
    return value;
  }

  /** An ISO-8601 instant field, absent or null: undefined. */
  optionalInstant(name: string): number | undefined {
    const value = this.object[name];
    return value === undefined || value === null ? undefined : this.instant(name);
  }

  /** A boolean field, absent or null: false. */
  optionalBoolean(name: string): boolean {
    const value = this.object[name];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') this.fail(`field "${name}" must be a boolean, got ${typeof value}`);
    return value;
  }

  identity() {
    const metricType = this.string('metricType');
    if (!isMetricType(metricType)) this.fail(`unknown metricType ${JSON.stringify(metricType)}`);
    const metricAttribute = this.string('metricAttribute');
    if (!isMetricAttribute(metricAttribute))
      this.fail(`unknown metricAttribute ${JSON.stringify(metricAttribute)}`);
    return { gateway: this.nonEmptyString('gateway'), metricType, metricAttribute };
  }
}

function outOfRange(name: string, time: number): string {
  const { from, to } = METRIC_TIME_RANGE;
  return `field "${name}" ${formatInstant(time)} lies outside ${formatInstant(from)} to ${formatInstant(to)}`;
}

function asObject(decoded: unknown, format: string): Record<string, unknown> {
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new DeserializationError(
      `expected an object, got ${Array.isArray(decoded) ? 'array' : typeof decoded}`,
      format,
    );
  }
  return decoded as Record<string, unknown>;
}

/** Refuses what no reader could take back: a non-finite value or timestamp. */
function checkWritable(reading: MetricReading): void {
  if (!Number.isFinite(reading.value))
    throw new RangeError(`metric value must be finite, got ${reading.value}`);
  if (!Number.isFinite(reading.timestamp))
    throw new RangeError(`metric timestamp must be finite, got ${reading.timestamp}`);
}

export function metricToWire(metric: Metric): MetricWire {
  checkWritable(metric);
  return {
    gateway: metric.gateway,
    metricType: metric.metricType,
    metricAttribute: metric.metricAttribute,
    timestamp: formatInstant(metric.timestamp),
    value: metric.value,
    // Only when set: payloads without a unit stay byte-identical to the first schema's JSON.
    ...(metric.unit !== undefined && { unit: metric.unit }),
  };
}

export function metricFromWire(decoded: unknown, format: string): Metric {
  // Hot path (every consumed metric): well-formed payloads are checked inline without allocating
  // a reader; anything unexpected is re-checked by FieldReader, which names the first problem.
  if (typeof decoded === 'object' && decoded !== null) {
    const o = decoded as Record<string, unknown>;
    const { gateway, metricType, metricAttribute, timestamp, value } = o;
    if (
      typeof gateway === 'string' &&
      gateway.length > 0 &&
      isMetricType(metricType) &&
      isMetricAttribute(metricAttribute) &&
      typeof timestamp === 'string' &&
      typeof value === 'number' &&
      Number.isFinite(value)
    ) {
      const instant = parseInstant(timestamp);
      if (typeof instant === 'number' && isMetricTime(instant))
        return typeof o.unit === 'string'
          ? { gateway, metricType, metricAttribute, timestamp: instant, value, unit: o.unit }
          : { gateway, metricType, metricAttribute, timestamp: instant, value };
    }
  }
  const reader = new FieldReader(asObject(decoded, format), format);
  const unit = (decoded as Record<string, unknown>).unit;
  return {
    ...reader.identity(),
    timestamp: reader.metricTime('timestamp', false),
    value: reader.finite('value'),
    ...(typeof unit === 'string' && { unit }),
  };
}

/** The wire shape of a MetricReading (JSON): the timestamp and value fields of MetricWire. */
export type MetricReadingWire = Pick<MetricWire, 'timestamp' | 'value'> &
  Omit<ReadingQuality, 'gapFrom'> & { gapFrom?: string };

export function metricReadingToWire(reading: MetricReading): MetricReadingWire {
  checkWritable(reading);
  return {
    timestamp: formatInstant(reading.timestamp),
    value: reading.value,
    // Only when set (a clean reading): a raw reading's JSON stays as it was.
    ...(reading.quality !== undefined && { quality: reading.quality }),
    ...(reading.estimated !== undefined && { estimated: reading.estimated }),
    ...(reading.gapFrom !== undefined && { gapFrom: formatInstant(reading.gapFrom) }),
  };
}

/** Validates the timestamp and value of a decoded Metric payload; its other fields are not read. */
export function metricReadingFromWire(decoded: unknown, format: string): MetricReading {
  // Hot path, as in metricFromWire.
  if (typeof decoded === 'object' && decoded !== null) {
    const { timestamp, value } = decoded as Record<string, unknown>;
    if (typeof timestamp === 'string' && typeof value === 'number' && Number.isFinite(value)) {
      const instant = parseInstant(timestamp);
      if (typeof instant === 'number' && isMetricTime(instant))
        return withReadingQuality({ timestamp: instant, value }, decoded as Record<string, unknown>);
    }
  }
  const reader = new FieldReader(asObject(decoded, format), format);
  return withReadingQuality(
    { timestamp: reader.metricTime('timestamp', false), value: reader.finite('value') },
    decoded as Record<string, unknown>,
    reader,
  );
}

/**
 * Adds a clean reading's `quality` and `estimated` (metrics-clean, JSON) when present; a raw Metric
 * has neither and reads as before. A present field of the wrong type is an error naming it.
 */
function withReadingQuality(
  reading: MetricReading,
  o: Record<string, unknown>,
  reader?: FieldReader,
): MetricReading {
  const { quality, estimated, gapFrom } = o;
  if (quality === undefined && estimated === undefined) return reading;
  if (quality !== undefined && !(typeof quality === 'number' && Number.isInteger(quality) && quality >= 0)) {
    (reader ?? new FieldReader(o, 'MetricReading')).fail(
      `field "quality" must be a non-negative integer, got ${String(quality)}`,
    );
  }
  if (estimated !== undefined && typeof estimated !== 'boolean') {
    (reader ?? new FieldReader(o, 'MetricReading')).fail(
      `field "estimated" must be a boolean, got ${typeof estimated}`,
    );
  }
  const gapStart =
    gapFrom === undefined || gapFrom === null
      ? undefined
      : (reader ?? new FieldReader(o, 'MetricReading')).optionalInstant('gapFrom');
  return {
    ...reading,
    ...(quality !== undefined && { quality: quality as number }),
    ...(estimated !== undefined && { estimated: estimated as boolean }),
    ...(gapStart !== undefined && { gapFrom: gapStart }),
  };
}

/**
 * A Metric payload decoded through metric-reading.avsc: the iso-instant logical type has already
 * parsed the timestamp, so a record with a finite value is the reading itself (no copy). The quality
 * stage's `quality` and `estimated` (metrics-clean) come through; where the writer had none (the raw
 * topic) Avro's null default becomes undefined, as an absent field reads from JSON.
 */
export function metricReadingFromProjection(decoded: unknown, format: string): MetricReading {
  if (typeof decoded === 'object' && decoded !== null) {
    const reading = decoded as Record<string, unknown>;
    // isMetricTime is false for NaN, so it also covers finiteness.
    if (
      typeof reading.timestamp === 'number' &&
      isMetricTime(reading.timestamp) &&
      typeof reading.value === 'number' &&
      Number.isFinite(reading.value)
    ) {
      // Assigned, not deleted: the record keeps its shape (and V8 its fast properties).
      if (reading.quality === null) reading.quality = undefined;
      if (reading.estimated === null) reading.estimated = undefined;
      if (reading.gapFrom === null) reading.gapFrom = undefined;
      return reading as unknown as MetricReading;
    }
  }
  const reader = new FieldReader(asObject(decoded, format), format);
  const { quality, estimated, gapFrom } = decoded as Record<string, unknown>;
  return {
    timestamp: reader.metricTime('timestamp', true),
    value: reader.finite('value'),
    ...(typeof quality === 'number' && { quality }),
    ...(typeof estimated === 'boolean' && { estimated }),
    ...(typeof gapFrom === 'number' && { gapFrom }),
  } as MetricReading;
}

export function aggregateToWire(aggregate: AggregateMetric): AggregateMetricWire {
  if (aggregate.sampleCount <= 0) {
    throw new RangeError('an empty aggregate (sampleCount 0) has no min/max/average and is never serialized');
  }
  return {
    gateway: aggregate.gateway,
    metricType: aggregate.metricType,
    metricAttribute: aggregate.metricAttribute,
    windowStart: formatInstant(aggregate.windowStart),
    windowEnd: formatInstant(aggregate.windowEnd),
    sampleCount: aggregate.sampleCount,
    sum: aggregate.sum,
    min: aggregate.min,
    max: Number.isFinite(aggregate.max) ? aggregate.max : null,
    average: aggregate.average,
    ...qualityFields(
      aggregate.estimatedCount ?? 0,
      aggregate.flaggedCount ?? 0,
      aggregate.incomplete ?? false,
    ),
    ...(aggregate.gapFrom !== undefined && { gapFrom: formatInstant(aggregate.gapFrom) }),
  };
}

export function aggregateFromWire(decoded: unknown, format: string): AggregateMetric {
  const reader = new FieldReader(asObject(decoded, format), format);
  const sampleCount = reader.finite('sampleCount');
  if (!Number.isInteger(sampleCount) || sampleCount < 1) {
    reader.fail(`field "sampleCount" must be a positive integer, got ${sampleCount}`);
  }
  const windowStart = reader.instant('windowStart');
  const windowEnd = reader.instant('windowEnd');
  if (windowEnd <= windowStart) reader.fail('field "windowEnd" must be after "windowStart"');
  const estimatedCount = reader.optionalCount('estimatedCount', sampleCount);
  const flaggedCount = reader.optionalCount('flaggedCount', sampleCount);
  const incomplete = reader.optionalBoolean('incomplete');
  const gapFrom = reader.optionalInstant('gapFrom');
  // No peak only when every reading was flagged; otherwise max is a number as it always was.
  const max =
    flaggedCount === sampleCount && (decoded as Record<string, unknown>).max === null
      ? Number.NEGATIVE_INFINITY
      : reader.finite('max');
  return {
    ...reader.identity(),
    windowStart,
    windowEnd,
    sampleCount,
    sum: reader.finite('sum'),
    min: reader.finite('min'),
    max,
    average: reader.finite('average'),
    ...qualityFields(estimatedCount, flaggedCount, incomplete),
    ...gapFromField(windowStart, gapFrom),
  };
}

/** Maps a decoded payload with `fromWire`, locating any DeserializationError at `source`. */
export function fromWireAt<T>(
  fromWire: (decoded: unknown, format: string) => T,
  decoded: unknown,
  format: string,
  source: PayloadSource | undefined,
): T {
  try {
    return fromWire(decoded, format);
  } catch (error) {
    throw error instanceof DeserializationError && source ? error.at(source) : error;
  }
}
