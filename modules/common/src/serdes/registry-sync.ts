import avro from 'avsc';
import { DeserializationError, type PayloadSource } from '../errors.js';
import { avroError, fieldNames } from './avro.js';
import { fromWireAt } from './wire.js';
import { CONFLUENT_MAGIC_BYTE, createSchemaRegistry, isSchemaNotFound } from './registry-avro.js';

type Registry = ReturnType<typeof createSchemaRegistry>;

/** How to decode payloads of one writer schema id, or why they cannot be read. */
type IdReader = { type: avro.Type; resolver?: avro.Resolver } | { error: string };

/**
 * A synchronous reader of Confluent-framed Avro, for processing loops that cannot await per record
 * (the streams library's serdes are synchronous, like Kafka's). `prefetch` resolves the writer
 * schemas of a batch's ids through the Schema Registry beforehand; `deserialize` then decodes from
 * the cache. An id that was never prefetched is an error naming it, not a silent skip.
 *
 * With a `readerSchema` (a projection such as metric-reading.avsc), payloads are decoded through
 * Avro schema resolution from each writer schema: fields the reader lacks are skipped. A writer
 * schema the reader cannot resolve is reported per record, naming the id.
 */
export function syncRegistryReader<T>(
  registryOrUrl: Registry | string,
  name: string,
  fromWire: (decoded: unknown, format: string) => T,
  readerSchema?: Record<string, unknown>,
  readerOptions?: Partial<avro.ForSchemaOptions>,
) {
  const registry = typeof registryOrUrl === 'string' ? createSchemaRegistry(registryOrUrl) : registryOrUrl;
  const format = readerSchema
    ? `avro-registry:${name}[${fieldNames(readerSchema)}]`
    : `avro-registry:${name}`;
  const projection = readerSchema
    ? avro.Type.forSchema(readerSchema as avro.Schema, readerOptions)
    : undefined;
  const readers = new Map<number, IdReader>();

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

  const readerFor = (writer: avro.Type): IdReader => {
    // The registry client also returns JSON Schema and Protobuf schemas; this reader decodes Avro.
    if (!avro.Type.isType(writer)) return { error: 'is not an Avro schema' };
    if (!projection) return { type: writer };
    try {
      return { type: projection, resolver: projection.createResolver(writer) };
    } catch (error) {
      return { error: `cannot be read as ${fieldNames(readerSchema!)}: ${(error as Error).message}` };
    }
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
          readers.set(id, readerFor((await registry.getSchema(id)) as unknown as avro.Type));
        } catch (error) {
          // Unknown ids stay missing: deserialize() reports them per record (dead-letter material).
          if (!isSchemaNotFound(error)) throw error;
        }
      }
    },
    deserialize(data: Buffer, source?: PayloadSource): T {
      const id = schemaId(data, source);
      const reader = readers.get(id);
      if (!reader)
        throw new DeserializationError(`unknown schema id ${id}`, format, source, { kind: 'unknown-schema' });
      if ('error' in reader)
        throw new DeserializationError(`schema id ${id} ${reader.error}`, format, source, {
          kind: 'unknown-schema',
        });
      // decode() reads after the 5-byte header in place (a subarray per record costs more than the
      // rest of a small payload's decoding); the length checks are fromBuffer's.
      let decoded: { value: unknown; offset: number };
      try {
        decoded = reader.type.decode(data, 5, reader.resolver);
      } catch (cause) {
        throw avroError('invalid Avro payload', cause, format, source);
      }
      if (decoded.offset < 0)
        throw new DeserializationError('invalid Avro payload: truncated buffer', format, source);
      if (decoded.offset < data.length)
        throw new DeserializationError('invalid Avro payload: trailing data', format, source);
      return fromWireAt(fromWire, decoded.value, format, source);
    },
  };
}
