import {
  DeserializationError,
  METRIC_AVRO_SCHEMA,
  type Serde,
  avroProjectionSerde,
  jsonSerde,
  syncRegistryReader,
} from '@meterstream/common';

/**
 * A Metric payload as the quality stage reads it: nothing judged yet. The aggregator's readers
 * refuse a non-finite value or a bad timestamp as undecodable (dead letter); here those are rule
 * violations to quarantine with the rule's name, so the payload is taken as it came.
 */
export interface RawReading {
  /** As written: parsed by the timestamp rule. */
  timestamp: string;
  /** May be NaN or ±Infinity (Avro doubles can carry them; JSON as the strings "NaN", "Infinity"). */
  value: number;
  unit: string | null;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  return undefined;
}

/** The decoded payload (Avro record or JSON object) as a RawReading; only its shape is checked. */
export function rawReadingFromWire(decoded: unknown, format: string): RawReading {
  const o =
    typeof decoded === 'object' && decoded !== null ? (decoded as Record<string, unknown>) : undefined;
  const value = numberOf(o?.value);
  if (!o || typeof o.timestamp !== 'string' || value === undefined)
    throw new DeserializationError('expected a Metric payload with a timestamp string and a value', format);
  const unit = typeof o.unit === 'string' ? o.unit : null;
  return { timestamp: o.timestamp, value, unit };
}

/** JSON of a RawReading (non-finite values as strings): test inputs and `--input-format json`. */
export const rawReadingJsonSerde: Serde<RawReading> = jsonSerde(
  'RawReading',
  (r: RawReading) => ({
    timestamp: r.timestamp,
    value: Number.isFinite(r.value) ? r.value : String(r.value),
    ...(r.unit !== null && { unit: r.unit }),
  }),
  rawReadingFromWire,
);

/** Plain Avro Metric payloads (no registry framing), read as RawReading. */
export const rawReadingAvroSerde: Serde<RawReading> = avroProjectionSerde(
  METRIC_AVRO_SCHEMA,
  METRIC_AVRO_SCHEMA,
  rawReadingFromWire,
);

/**
 * Confluent-framed Avro Metric payloads through the Schema Registry, each writer schema resolved
 * against the current Metric schema, so records written before `unit` existed read with unit null.
 */
export function rawReadingRegistryReader(registryUrl: string) {
  return syncRegistryReader(registryUrl, 'Metric', rawReadingFromWire, METRIC_AVRO_SCHEMA);
}
