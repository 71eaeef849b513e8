import {
  DeserializationError,
  type Metric,
  type PayloadSource,
  metricAvroSerde,
  metricJsonSerde,
  metricSyncRegistryReader,
} from '@meterstream/common';

export type ValueFormat = 'registry' | 'avro' | 'json';

export interface MetricDecoder {
  /**
   * Resolves what decoding a batch needs (writer schemas from the Schema Registry). Throws when the
   * registry cannot be reached: an outage must stop the sink, not dead-letter good records.
   */
  prefetch(values: Iterable<Buffer | null>): Promise<void>;
  /**
   * Decodes one value; anything wrong with the bytes is a DeserializationError (located at
   * `source` when given; callers on the hot path add the location only on failure).
   */
  decode(value: Buffer, source?: PayloadSource): Metric;
}

/**
 * The decoder of the `metrics` topic's values: Confluent-framed Avro through the Schema Registry
 * (what the replay publisher writes), plain Avro, or JSON.
 */
export function createMetricDecoder(format: ValueFormat, registryUrl: string | null): MetricDecoder {
  let prefetch: MetricDecoder['prefetch'] = async () => undefined;
  let decode: (value: Buffer, source?: PayloadSource) => Metric;
  if (format === 'registry') {
    if (!registryUrl) throw new Error('value format "registry" needs a Schema Registry URL');
    const reader = metricSyncRegistryReader(registryUrl);
    prefetch = (values) => reader.prefetch(values);
    decode = (value, source) => reader.deserialize(value, source);
  } else if (format === 'avro') {
    decode = (value, source) => metricAvroSerde.deserialize(value, source);
  } else {
    decode = (value, source) => metricJsonSerde.deserialize(value, source);
  }
  return {
    prefetch,
    decode(value, source) {
      try {
        return decode(value, source);
      } catch (error) {
        if (error instanceof DeserializationError) throw error;
        // Anything else a decoder throws is still a property of this record's bytes.
        throw new DeserializationError((error as Error).message, `metric:${format}`, source, {
          cause: error,
        });
      }
    },
  };
}
