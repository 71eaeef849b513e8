import avro from 'avsc';
import { DeserializationError, type PayloadSource } from '../errors.js';
import type { Serde } from './serde.js';
import { fromWireAt } from './wire.js';

/**
 * Plain Avro binary (no framing) for a record schema, with the same wire mapping as the JSON serde.
 * Used when no Schema Registry is configured.
 */
export function avroSerde<T, W>(
  schema: Record<string, unknown>,
  toWire: (value: T) => W,
  fromWire: (decoded: unknown, format: string) => T,
): Serde<T> {
  const type = avro.Type.forSchema(schema as avro.Schema);
  const format = `avro:${String(schema.name)}`;
  return {
    format,
    serialize: (value) => type.toBuffer(toWire(value)),
    deserialize(data: Buffer, source?: PayloadSource) {
      let decoded: unknown;
      try {
        decoded = type.fromBuffer(data);
      } catch (cause) {
        throw new DeserializationError(`invalid Avro binary: ${(cause as Error).message}`, format, source, {
          cause,
        });
      }
      return fromWireAt(fromWire, decoded, format, source);
    },
  };
}
