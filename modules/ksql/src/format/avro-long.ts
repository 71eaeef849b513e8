import avro from 'avsc';

const MAX_LONG = (1n << 63n) - 1n;
const MIN_LONG = -(1n << 63n);

/** A number as a 64-bit long: rounded, and clamped to the long range (2^63 is not representable). */
function toLong(n: number): bigint {
  const b = BigInt(Math.round(n));
  return b > MAX_LONG ? MAX_LONG : b < MIN_LONG ? MIN_LONG : b;
}

/**
 * Avro `long` as a JavaScript number, like every BIGINT in the engine: exact up to 2^53, approximate
 * beyond (avsc's own long type refuses those values outright, which would drop whole records).
 */
const lossyLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => Number(buf.readBigInt64LE(0)),
  toBuffer: (n: number) => {
    const buf = Buffer.allocUnsafe(8);
    buf.writeBigInt64LE(toLong(n), 0);
    return buf;
  },
  fromJSON: (json: unknown) => Number(json),
  toJSON: (n: number) => n,
  isValid: (n: unknown) => typeof n === 'number' && Number.isFinite(n),
  compare: (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1),
});

/**
 * avsc options for one schema: unions unwrapped (a value or null) unless ambiguous (a writer's own
 * schema may have those; the serde reports them per record), lossy longs, and a fresh registry of
 * named types.
 */
export function avscOptions(): Partial<avro.ForSchemaOptions> {
  return { wrapUnions: 'auto', registry: { long: lossyLong } } as Partial<avro.ForSchemaOptions>;
}
