import { DeserializationError, type PayloadSource } from '../errors.js';
import { fromWireAt } from './wire.js';
import { CONFLUENT_MAGIC_BYTE, createSchemaRegistry, isSchemaNotFound } from './registry-avro.js';

type Registry = ReturnType<typeof createSchemaRegistry>;
interface AvroReader {
  fromBuffer(buffer: Buffer): unknown;
}

/**
 * A synchronous reader of Confluent-framed Avro, for processing loops that cannot await per record
 * (the streams library's serdes are synchronous, like Kafka's). `prefetch` resolves the writer
 * schemas of a batch's ids through the Schema Registry beforehand; `deserialize` then decodes from
 * the cache. An id that was never prefetched is an error naming it, not a silent skip.
 */
export function syncRegistryReader<T>(
  registryOrUrl: Registry | string,
  name: string,
  fromWire: (decoded: unknown, format: string) => T,
) {
  const registry = typeof registryOrUrl === 'string' ? createSchemaRegistry(registryOrUrl) : registryOrUrl;
  const format = `avro-registry:${name}`;
  const readers = new Map<number, AvroReader>();

  const schemaId = (data: Buffer, source?: PayloadSource): number => {
    if (data.length < 5 || data[0] !== CONFLUENT_MAGIC_BYTE) {
      throw new DeserializationError(
        'not in Confluent wire format (magic byte 0 + schema id)',
        format,
        source,
      );
    }
    return data.readInt32BE(1);
  };

  return {
    format,
    /** Fetches the writer schemas of every framed payload whose id is not cached yet. */
    async prefetch(payloads: Iterable<Buffer | null>): Promise<void> {
      const missing = new Set<number>();
      for (const data of payloads) {
        if (data && data.length >= 5 && data[0] === CONFLUENT_MAGIC_BYTE) {
          const id = data.readInt32BE(1);
          if (!readers.has(id)) missing.add(id);
        }
      }
      for (const id of missing) {
        try {
          readers.set(id, (await registry.getSchema(id)) as unknown as AvroReader);
        } catch (error) {
          // Unknown ids stay missing: deserialize() reports them per record (dead-letter material).
          if (!isSchemaNotFound(error)) throw error;
        }
      }
    },
    deserialize(data: Buffer, source?: PayloadSource): T {
      const id = schemaId(data, source);
      const reader = readers.get(id);
      if (!reader) throw new DeserializationError(`unknown schema id ${id}`, format, source);
      let decoded: unknown;
      try {
        decoded = reader.fromBuffer(data.subarray(5));
      } catch (cause) {
        throw new DeserializationError(`invalid Avro payload: ${(cause as Error).message}`, format, source, {
          cause,
        });
      }
      return fromWireAt(fromWire, decoded, format, source);
    },
  };
}
