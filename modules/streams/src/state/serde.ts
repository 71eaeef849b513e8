/**
 * The serializer/deserializer pair stores use to turn typed keys and values into the bytes they
 * order and keep. It is structurally the same as `Serde` in @meterstream/common (whose optional
 * `format` and `source` arguments fit this shape), so a serde from there can be passed directly;
 * the streams module does not import common for it.
 */
export interface Serde<T> {
  serialize(value: T): Buffer;
  deserialize(data: Buffer): T;
  /**
   * Optional, together with `serializeInto`: the length of `serialize(value)`. Stores that frame
   * the bytes (window and suppression keys, value-and-timestamp values) then write them straight
   * into their own buffer instead of allocating an intermediate one and copying it — on the commit
   * path each store write saves a Buffer object (costly to create and to collect) and a copy.
   */
  serializedSize?(value: T): number;
  /** Writes exactly the bytes `serialize(value)` would return into `target` at `offset`. */
  serializeInto?(value: T, target: Buffer, offset: number): void;
}

/**
 * A new buffer of `prefix` bytes, then `serialize(value)`, then `suffix` bytes (the caller fills the
 * prefix and suffix). Uses the serde's in-place path when it has one.
 */
export function serializeFramed<T>(serde: Serde<T>, value: T, prefix: number, suffix: number): Buffer {
  if (serde.serializedSize !== undefined && serde.serializeInto !== undefined) {
    const out = Buffer.allocUnsafe(prefix + serde.serializedSize(value) + suffix);
    serde.serializeInto(value, out, prefix);
    return out;
  }
  const bytes = serde.serialize(value);
  const out = Buffer.allocUnsafe(prefix + bytes.length + suffix);
  bytes.copy(out, prefix);
  return out;
}

/** Serdes for the primitive types, laid out exactly as Kafka's (big-endian, two's complement). */
export const Serdes = {
  /** Raw bytes, no copy. */
  bytes(): Serde<Buffer> {
    return { serialize: (value) => value, deserialize: (data) => data };
  },
  /** UTF-8 strings. */
  string(): Serde<string> {
    return {
      serialize: (value) => Buffer.from(value, 'utf8'),
      deserialize: (data) => data.toString('utf8'),
      serializedSize: (value) => Buffer.byteLength(value, 'utf8'),
      serializeInto: (value, target, offset) => {
        target.write(value, offset, 'utf8');
      },
    };
  },
  /** 32-bit signed big-endian, like Kafka's IntegerSerializer (so -1 sorts after 1 as bytes). */
  int32(): Serde<number> {
    return {
      serialize(value) {
        const out = Buffer.allocUnsafe(4);
        out.writeInt32BE(value, 0);
        return out;
      },
      deserialize: (data) => data.readInt32BE(0),
    };
  },
  /** 64-bit signed big-endian (numbers must be safe integers), like Kafka's LongSerializer. */
  int64(): Serde<number> {
    return {
      serialize(value) {
        const out = Buffer.allocUnsafe(8);
        out.writeBigInt64BE(BigInt(value), 0);
        return out;
      },
      deserialize: (data) => Number(data.readBigInt64BE(0)),
    };
  },
  /** IEEE-754 double big-endian, like Kafka's DoubleSerializer. */
  double(): Serde<number> {
    return {
      serialize(value) {
        const out = Buffer.allocUnsafe(8);
        out.writeDoubleBE(value, 0);
        return out;
      },
      deserialize: (data) => data.readDoubleBE(0),
    };
  },
  /** JSON via JSON.stringify / JSON.parse (no validation). */
  json<T>(): Serde<T> {
    return {
      serialize: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
      deserialize: (data) => JSON.parse(data.toString('utf8')) as T,
    };
  },
};
