import { AGGREGATE_METRIC_AVRO_SCHEMA, METRIC_AVRO_SCHEMA } from '../avro-schemas.js';
import { avroSerde } from './avro.js';
import { jsonSerde } from './basic.js';
import { type RegistryAvroOptions, registryAvroSerde } from './registry-avro.js';
import { syncRegistryReader } from './registry-sync.js';
import { aggregateFromWire, aggregateToWire, metricFromWire, metricToWire } from './wire.js';

export const metricJsonSerde = jsonSerde('Metric', metricToWire, metricFromWire);
export const metricAvroSerde = avroSerde(METRIC_AVRO_SCHEMA, metricToWire, metricFromWire);
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
