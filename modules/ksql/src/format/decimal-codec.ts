import type { SqlDecimalType } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';

/**
 * ksqlDB's DecimalUtil.ensureFit: a value read from a topic must fit DECIMAL(p, s) exactly — too
 * many integer digits is an overflow, too many fraction digits is refused (no rounding) — and comes
 * out at the type's scale.
 */
export function ensureDecimalFit(value: Decimal, type: SqlDecimalType): Decimal {
  const digits = type.precision - type.scale;
  const abs = value.unscaled < 0n ? -value.unscaled : value.unscaled;
  // |value| >= 10^digits  ⇔  |unscaled| >= 10^(digits + scale)
  if (abs >= 10n ** BigInt(digits + value.scale)) {
    throw new Error(
      `Numeric field overflow: A field with precision ${type.precision} and scale ${type.scale} ` +
        `must round to an absolute value less than 10^${digits}. Got ${value.toString()}`,
    );
  }
  const rescaled = rescaleExact(value, type.scale);
  if (rescaled === undefined) {
    throw new Error(
      `Cannot fit decimal '${value.toString()}' into DECIMAL(${type.precision}, ${type.scale}) without rounding. ` +
        `(Requires ${value.precision()},${value.scale})`,
    );
  }
  return rescaled;
}

/** The same number at `scale`, or undefined when that would drop non-zero digits. */
export function rescaleExact(value: Decimal, scale: number): Decimal | undefined {
  if (value.scale === scale) return value;
  if (value.scale < scale) return new Decimal(value.unscaled * 10n ** BigInt(scale - value.scale), scale);
  const factor = 10n ** BigInt(value.scale - scale);
  if (value.unscaled % factor !== 0n) return undefined;
  return new Decimal(value.unscaled / factor, scale);
}

/** Avro's decimal bytes: the unscaled value in big-endian two's complement, shortest form (BigInteger.toByteArray). */
export function decimalToBytes(unscaled: bigint): Buffer {
  let hex = (unscaled < 0n ? -unscaled : unscaled).toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (unscaled >= 0n) {
    if (bytes.length === 0 || bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return bytes;
  }
  // Negative: two's complement of the magnitude in as many bytes as needed for the sign bit.
  let width = bytes.length;
  const magnitude = -unscaled;
  if (magnitude > 1n << BigInt(width * 8 - 1)) width += 1;
  const twos = (1n << BigInt(width * 8)) + unscaled;
  return Buffer.from(twos.toString(16).padStart(width * 2, '0'), 'hex');
}

/** The inverse of decimalToBytes. */
export function bytesToUnscaled(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  const n = BigInt(`0x${bytes.toString('hex')}`);
  return bytes[0] & 0x80 ? n - (1n << BigInt(bytes.length * 8)) : n;
}
