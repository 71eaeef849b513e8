/**
 * The serializer/deserializer pair stores use to turn typed keys and values into the bytes they
 * order and keep. It is structurally the same as `Serde` in @meterstream/common (whose optional
 * `format` and `source` arguments fit this shape), so a serde from there can be passed directly;
 * the streams module does not import common for it.
 */
export interface Serde<T> {
  serialize(value: T): Buffer;
  deserialize(data: Buffer): T;
}

/** Serdes for the primitive types, laid out exactly as Kafka's (big-endian, two's complement). */
export const Serdes = {
  /** Raw bytes, no copy. */
  bytes(): Serde<Buffer> {
    return { serialize: (value) => value, deserialize: (data) => data };
  },
  /** UTF-8 strings. */
  string(): Serde<string> {
    return { serialize: (value) => Buffer.from(value, 'utf8'), deserialize: (data) => data.toString('utf8') };
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
