import avro from 'avsc';
import {
  type InvalidRecordReason,
  METRIC_AVRO_SCHEMA,
  type Metric,
  formatMetricKey,
} from '@meterstream/common';

/** The ways a record of the `metrics` topic can be corrupt, each with the reason the rule gives. */
export const CORRUPTIONS = {
  'bad-avro': 'bad-encoding',
  'bad-schema-id': 'unknown-schema',
  'malformed-key': 'malformed-key',
  'null-key': 'null-key',
  'null-value': 'null-value',
  nan: 'non-finite-value',
  infinity: 'non-finite-value',
  'unparsable-timestamp': 'bad-timestamp',
  'timestamp-after-range': 'timestamp-out-of-range',
  'timestamp-before-range': 'timestamp-out-of-range',
} as const satisfies Record<string, InvalidRecordReason>;

export type Corruption = keyof typeof CORRUPTIONS;
export const CORRUPTION_KINDS = Object.keys(CORRUPTIONS) as Corruption[];

// The writer schema itself, without the project's wire mapping (which refuses non-finite values).
const metricType = avro.Type.forSchema(METRIC_AVRO_SCHEMA as avro.Schema);

/** A schema id no registry of the tests hands out. */
export const UNKNOWN_SCHEMA_ID = 987_654;

function frame(schemaId: number | null, body: Buffer): Buffer {
  if (schemaId === null) return body;
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/**
 * The raw key and value of `metric` corrupted the given way: Avro of metric.avsc, Confluent-framed
 * with `schemaId` (null: plain Avro; `bad-schema-id` then has no meaning and is refused).
 */
export function corruptRecord(
  corruption: Corruption,
  metric: Metric,
  schemaId: number | null,
): { key: Buffer | null; value: Buffer | null } {
  const key = Buffer.from(formatMetricKey(metric));
  const wire = {
    gateway: metric.gateway,
    metricType: metric.metricType,
    metricAttribute: metric.metricAttribute,
    timestamp: new Date(metric.timestamp).toISOString(),
    value: metric.value,
  };
  const encode = (changes: Partial<typeof wire>) =>
    frame(schemaId, metricType.toBuffer({ ...wire, ...changes }));
  switch (corruption) {
    case 'bad-avro':
      // A gateway string announced 20 bytes long, then the payload ends.
      return { key, value: frame(schemaId, Buffer.from([40, 0x61, 0x62])) };
    case 'bad-schema-id':
      if (schemaId === null) throw new Error('bad-schema-id needs Confluent framing');
      return { key, value: frame(UNKNOWN_SCHEMA_ID, metricType.toBuffer(wire)) };
    case 'malformed-key':
      return { key: Buffer.from(`${metric.gateway}.${metric.metricType}`), value: encode({}) };
    case 'null-key':
      return { key: null, value: encode({}) };
    case 'null-value':
      return { key, value: null };
    case 'nan':
      return { key, value: encode({ value: Number.NaN }) };
    case 'infinity':
      return { key, value: encode({ value: Number.POSITIVE_INFINITY }) };
    case 'unparsable-timestamp':
      return { key, value: encode({ timestamp: 'yesterday at noon' }) };
    case 'timestamp-after-range':
      return { key, value: encode({ timestamp: '2300-01-01T00:00:00Z' }) };
    case 'timestamp-before-range':
      return { key, value: encode({ timestamp: '1850-06-01T00:00:00Z' }) };
  }
}
