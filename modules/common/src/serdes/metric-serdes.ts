import {
  AGGREGATE_METRIC_AVRO_SCHEMA,
  METRIC_AVRO_SCHEMA,
  METRIC_READING_AVRO_SCHEMA,
} from '../avro-schemas.js';
import { DeserializationError } from '../errors.js';
import { isMetricKeyBytes, parseMetricKey } from '../metric-key.js';
import { avroProjectionSerde, avroSerde } from './avro.js';
import { ISO_INSTANT_LOGICAL_TYPES } from './iso-instant-type.js';
import { decodeUtf8, jsonSerde, stringSerde } from './basic.js';
import { type RegistryAvroOptions, registryAvroSerde } from './registry-avro.js';
import { syncRegistryReader } from './registry-sync.js';
import type { Serde } from './serde.js';
import {
  aggregateFromWire,
  aggregateToWire,
  metricFromWire,
  metricReadingFromProjection,
  metricReadingFromWire,
  metricReadingToWire,
  metricToWire,
} from './wire.js';

export const metricJsonSerde = jsonSerde('Metric', metricToWire, metricFromWire);
export const metricAvroSerde = avroSerde(METRIC_AVRO_SCHEMA, metricToWire, metricFromWire);

/**
 * Readers of a Metric payload's timestamp and value only, for consumers that take the series
 * identity from the record key (the aggregator). The Avro reader decodes through the projection
 * schema metric-reading.avsc, so the identity strings are skipped rather than decoded; the JSON
 * reader writes and reads `{timestamp, value}` and ignores other fields of a full Metric.
 */
export const metricReadingJsonSerde = jsonSerde('MetricReading', metricReadingToWire, metricReadingFromWire);
export const metricReadingAvroSerde = avroProjectionSerde(
  METRIC_AVRO_SCHEMA,
  METRIC_READING_AVRO_SCHEMA,
  metricReadingFromProjection,
  { logicalTypes: ISO_INSTANT_LOGICAL_TYPES },
);

// ignoreBOM keeps a leading U+FEFF in the string: the byte check counts those bytes as gateway, so
// the key must too (stripping it would merge `\uFEFF0.GAS.GAS_IDD` into `0.GAS.GAS_IDD`, or turn
// `\uFEFF.GAS.GAS_IDD` into a key with an empty gateway that fails at window emission).
const keyDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Metric keys `<gateway>.<TYPE>.<ATTRIBUTE>` as UTF-8 strings: a key parseMetricKey would refuse is
 * a DeserializationError naming why, so it is dead-lettered at the source instead of failing later.
 */
export const metricKeySerde: Serde<string> = {
  ...stringSerde,
  format: 'metric-key',
  deserialize(data, source) {
    const key = decodeUtf8(keyDecoder, data, 'metric-key', source, 'malformed-key');
    if (isMetricKeyBytes(data)) return key;
    let reason = 'not a metric key';
    try {
      parseMetricKey(key);
    } catch (error) {
      reason = (error as Error).message;
    }
    throw new DeserializationError(reason, 'metric-key', source, { kind: 'malformed-key' });
  },
};

export const aggregateJsonSerde = jsonSerde('AggregateMetric', aggregateToWire, aggregateFromWire);
export const aggregateAvroSerde = avroSerde(AGGREGATE_METRIC_AVRO_SCHEMA, aggregateToWire, aggregateFromWire);

/** Metric values in Confluent wire format, registered under `subject` (default `<topic>-value`). */
export function metricRegistrySerde(options: Omit<RegistryAvroOptions, 'schema'>) {
  return registryAvroSerde({ ...options, schema: METRIC_AVRO_SCHEMA }, metricToWire, metricFromWire);
}

export function aggregateRegistrySerde(options: Omit<RegistryAvroOptions, 'schema'>) {
  return registryAvroSerde(
    { ...options, schema: AGGREGATE_METRIC_AVRO_SCHEMA },
    aggregateToWire,
    aggregateFromWire,
  );
}

/** Synchronous Metric reader for Confluent-framed Avro (prefetch the batch's schema ids first). */
export function metricSyncRegistryReader(registryOrUrl: Parameters<typeof syncRegistryReader>[0]) {
  return syncRegistryReader(registryOrUrl, 'Metric', metricFromWire);
}

/** Synchronous MetricReading reader for Confluent-framed Avro Metric payloads (projection, see above). */
export function metricReadingSyncRegistryReader(registryOrUrl: Parameters<typeof syncRegistryReader>[0]) {
  return syncRegistryReader(
    registryOrUrl,
    'Metric',
    metricReadingFromProjection,
    METRIC_READING_AVRO_SCHEMA,
    { logicalTypes: ISO_INSTANT_LOGICAL_TYPES },
  );
}
