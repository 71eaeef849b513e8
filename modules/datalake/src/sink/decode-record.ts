import {
  type MetricReading,
  type MetricReadingDecoder,
  metricReadingAvroSerde,
  metricReadingJsonSerde,
  metricReadingSyncRegistryReader,
} from '@meterstream/common';

export type ValueFormat = 'registry' | 'avro' | 'json';

export interface MetricDecoder {
  /**
   * Resolves what decoding a batch needs (writer schemas from the Schema Registry). Throws when the
   * registry cannot be reached: an outage must stop the sink, not dead-letter good records.
   */
  prefetch(values: Iterable<Buffer | null>): Promise<void>;
  /**
   * Reads the timestamp and value of one Metric payload — the aggregator's reader, so both decide
   * alike (see common's validateMetricRecord); bad bytes are a DeserializationError.
   */
  decode: MetricReadingDecoder;
}

/**
 * The reader of the `metrics` topic's values: Confluent-framed Avro through the Schema Registry
 * (what the replay publisher writes), plain Avro, or JSON. The series identity is the record key's.
 */
export function createMetricDecoder(format: ValueFormat, registryUrl: string | null): MetricDecoder {
  if (format === 'registry') {
    if (!registryUrl) throw new Error('value format "registry" needs a Schema Registry URL');
    const reader = metricReadingSyncRegistryReader(registryUrl);
    return {
      prefetch: (values) => reader.prefetch(values),
      decode: (value, source): MetricReading => reader.deserialize(value, source),
    };
  }
  const serde = format === 'avro' ? metricReadingAvroSerde : metricReadingJsonSerde;
  return { prefetch: async () => undefined, decode: (value, source) => serde.deserialize(value, source) };
}
