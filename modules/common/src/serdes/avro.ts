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
    deserialize: (data: Buffer, source?: PayloadSource) =>
      fromWireAt(fromWire, readAvro(type, undefined, data, format, source), format, source),
  };
}

/**
 * A read-only plain-Avro serde that decodes payloads written with `writerSchema` through a reader's
 * projection `readerSchema` (Avro schema resolution): the writer's fields the reader lacks are
 * skipped, not decoded. Serializing is refused, since the projection cannot rebuild what it skipped.
 */
export function avroProjectionSerde<T>(
  writerSchema: Record<string, unknown>,
  readerSchema: Record<string, unknown>,
  fromWire: (decoded: unknown, format: string) => T,
  readerOptions?: Partial<avro.ForSchemaOptions>,
): Serde<T> {
  const writer = avro.Type.forSchema(writerSchema as avro.Schema);
  const reader = avro.Type.forSchema(readerSchema as avro.Schema, readerOptions);
  const resolver = reader.createResolver(writer);
  const format = `avro:${String(writerSchema.name)}[${fieldNames(readerSchema)}]`;
  return {
    format,
    serialize() {
      throw new Error(`${format} only reads: serialize the full ${String(writerSchema.name)} instead`);
    },
    deserialize: (data: Buffer, source?: PayloadSource) =>
      fromWireAt(fromWire, readAvro(reader, resolver, data, format, source), format, source),
  };
}

/** Decodes a whole buffer (through `resolver` when given); avsc's errors become DeserializationErrors. */
function readAvro(
  type: avro.Type,
  resolver: avro.Resolver | undefined,
  data: Buffer,
  format: string,
  source: PayloadSource | undefined,
): unknown {
  try {
    return type.fromBuffer(data, resolver);
  } catch (cause) {
    throw avroError('invalid Avro binary', cause, format, source);
  }
}

/** `timestamp,value` for a record schema: which fields a projection reads, for error messages. */
export function fieldNames(schema: Record<string, unknown>): string {
  return ((schema.fields ?? []) as { name: string }[]).map((f) => f.name).join(',');
}

/**
 * avsc's failure as a DeserializationError of `format`: a timestamp refused by the iso-instant
 * logical type keeps its reason; anything else is undecodable bytes.
 */
export function avroError(
  what: string,
  cause: unknown,
  format: string,
  source: PayloadSource | undefined,
): DeserializationError {
  if (cause instanceof DeserializationError)
    return new DeserializationError(cause.reason, format, source, { cause, kind: cause.kind });
  return new DeserializationError(`${what}: ${(cause as Error).message}`, format, source, { cause });
}
