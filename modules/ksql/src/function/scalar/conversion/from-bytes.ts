import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** INT/BIGINT/DOUBLE_FROM_BYTES(bytes[, 'BIG_ENDIAN' | 'LITTLE_ENDIAN']): exactly 4 or 8 bytes. */
function read(width: number, name: string, f: (b: Buffer, little: boolean) => number) {
  return (b: Buffer, order: string | undefined) => {
    if (b.length !== width)
      throw new RangeError(`Number of bytes must be equal to ${width}, but found ${b.length}`);
    const o = (order ?? 'BIG_ENDIAN').toUpperCase();
    if (o !== 'BIG_ENDIAN' && o !== 'LITTLE_ENDIAN')
      throw new RangeError(`${name}: byte order must be BIG_ENDIAN or LITTLE_ENDIAN`);
    return f(b, o === 'LITTLE_ENDIAN');
  };
}

const int = read(4, 'INT_FROM_BYTES', (b, le) => (le ? b.readInt32LE(0) : b.readInt32BE(0)));
const long = read(8, 'BIGINT_FROM_BYTES', (b, le) => Number(le ? b.readBigInt64LE(0) : b.readBigInt64BE(0)));
const dbl = read(8, 'DOUBLE_FROM_BYTES', (b, le) => (le ? b.readDoubleLE(0) : b.readDoubleBE(0)));

export const INT_FROM_BYTES = scalar(
  'INT_FROM_BYTES',
  CATEGORY.CONVERSIONS,
  'Converts a BYTES value to an INT value according to the specified byte order.',
  [
    fixed([P.BYTES], SqlTypes.INTEGER, (b: Buffer) => int(b, undefined)),
    fixed([P.BYTES, P.STRING], SqlTypes.INTEGER, int),
  ],
);
export const BIGINT_FROM_BYTES = scalar(
  'BIGINT_FROM_BYTES',
  CATEGORY.CONVERSIONS,
  'Converts a BYTES value to a BIGINT value according to the specified byte order.',
  [
    fixed([P.BYTES], SqlTypes.BIGINT, (b: Buffer) => long(b, undefined)),
    fixed([P.BYTES, P.STRING], SqlTypes.BIGINT, long),
  ],
);
export const DOUBLE_FROM_BYTES = scalar(
  'DOUBLE_FROM_BYTES',
  CATEGORY.CONVERSIONS,
  'Converts a BYTES value to a DOUBLE value according to the specified byte order.',
  [
    fixed([P.BYTES], SqlTypes.DOUBLE, (b: Buffer) => dbl(b, undefined)),
    fixed([P.BYTES, P.STRING], SqlTypes.DOUBLE, dbl),
  ],
);
