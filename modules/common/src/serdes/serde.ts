import type { PayloadSource } from '../errors.js';

/** A synchronous serializer/deserializer pair, usable for record keys and values. */
export interface Serde<T> {
  /** Short name used in error messages, e.g. `avro:Metric`. */
  readonly format: string;
  serialize(value: T): Buffer;
  /** Throws DeserializationError (with `source` in its message) when the bytes are not a valid T. */
  deserialize(data: Buffer, source?: PayloadSource): T;
  /**
   * Optional, with `serializeInto` (the streams stores' in-place path): the length of
   * `serialize(value)`, so a store can write the bytes straight into its own framed buffer.
   */
  serializedSize?(value: T): number;
  /** Writes exactly the bytes `serialize(value)` would return into `target` at `offset`. */
  serializeInto?(value: T, target: Buffer, offset: number): void;
}

/** A serde that needs I/O (e.g. a Schema Registry lookup) before it can encode or decode. */
export interface AsyncSerde<T> {
  readonly format: string;
  serialize(value: T): Promise<Buffer>;
  deserialize(data: Buffer, source?: PayloadSource): Promise<T>;
}
