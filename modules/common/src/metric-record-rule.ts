import { DeserializationError, type InvalidRecordReason, type PayloadSource } from './errors.js';
import type { MetricIdentity, MetricReading } from './metric.js';
import { parseMetricKey } from './metric-key.js';
import { metricKeySerde } from './serdes/metric-serdes.js';

/**
 * The rule every consumer of the `metrics` topic applies to a record (aggregator, S3 sink, and
 * through the lake the batch job), so they all keep — and dead-letter — exactly the same records:
 *
 * 1. key present (`null-key`), 2. value present (`null-value`), 3. key is
 * `<gateway>.<TYPE>.<ATTRIBUTE>` in UTF-8 (`malformed-key`), 4. value decodes as a Metric payload (`bad-encoding`,
 * `unknown-schema`), 5. its value is finite (`non-finite-value`), 6. its timestamp is an ISO-8601
 * instant with a zone (`bad-timestamp`) 7. within METRIC_TIME_RANGE (`timestamp-out-of-range`).
 * The first failing check is the reason.
 *
 * The series identity is the key's: the payload's gateway/type/attribute fields are not read by any
 * consumer (the aggregator decodes through a projection that skips them, for speed), so a payload
 * whose identity disagrees with its key is archived and aggregated under the key, everywhere alike.
 *
 * Checks 5–7 live in the Metric readers (wire.ts), so any reader a consumer decodes with applies
 * them: the aggregator's streams serdes (metricKeySerde + a MetricReading reader, nulls refused by
 * the runtime) reach the same verdict as this function; a test holds them to it.
 */
export type MetricRecordVerdict =
  | { ok: true; key: string; reading: MetricReading }
  | { ok: false; error: DeserializationError };

/** Reads the timestamp and value of a Metric payload (throws DeserializationError). */
export type MetricReadingDecoder = (value: Buffer, source?: PayloadSource) => MetricReading;

export function validateMetricRecord(
  key: Buffer | null,
  value: Buffer | null,
  decodeReading: MetricReadingDecoder,
  source?: PayloadSource,
): MetricRecordVerdict {
  // Nulls first, as the streams runtime refuses them before any serde runs.
  if (key === null) return invalid('null-key', 'null key', source);
  if (value === null) return invalid('null-value', 'null value (tombstone)', source);
  let text: string;
  try {
    text = metricKeySerde.deserialize(key, source);
  } catch (error) {
    return { ok: false, error: asDeserializationError(error, 'metric-key', source) };
  }
  try {
    return { ok: true, key: text, reading: decodeReading(value, source) };
  } catch (error) {
    return { ok: false, error: asDeserializationError(error, 'metric', source) };
  }
}

function invalid(
  kind: InvalidRecordReason,
  reason: string,
  source: PayloadSource | undefined,
): MetricRecordVerdict {
  return { ok: false, error: new DeserializationError(reason, 'metric', source, { kind }) };
}

/** A decoder's failure as a DeserializationError: anything it throws is a property of the bytes. */
function asDeserializationError(
  error: unknown,
  format: string,
  source: PayloadSource | undefined,
): DeserializationError {
  if (error instanceof DeserializationError) return source ? error.at(source) : error;
  return new DeserializationError((error as Error).message, format, source, { cause: error });
}

const identities = new Map<string, MetricIdentity>();

/**
 * The identity of a key validateMetricRecord accepted, shared per key: a partition carries few
 * series, so parsing each key once keeps the per-record cost to a map lookup.
 */
export function identityOfKey(key: string): MetricIdentity {
  let identity = identities.get(key);
  if (!identity) {
    identity = Object.freeze(parseMetricKey(key));
    // Bounded: a fleet is large but finite; past the bound, parse without caching.
    if (identities.size < 100_000) identities.set(key, identity);
  }
  return identity;
}
