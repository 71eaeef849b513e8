import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/**
 * SUBSTRING(str, pos[, len]): 1-based; a negative pos counts from the end; positions and
 * lengths past either end are clamped (ksqlDB's Substring UDF), never an error.
 */
function startIndex(length: number, pos: number): number {
  return pos < 0 ? Math.max(length + pos, 0) : Math.max(Math.min(pos - 1, length), 0);
}

function endIndex(length: number, start: number, len: number): number {
  return Math.max(Math.min(start + len, length), start);
}

export const SUBSTRING = scalar(
  'SUBSTRING',
  CATEGORY.STRING,
  'Returns the portion of the string or bytes from pos, optionally of length len.',
  [
    fixed(
      [P.STRING, P.INT],
      SqlTypes.STRING,
      (s: string, pos: number) => s.substring(startIndex(s.length, pos)),
      { paramNames: ['str', 'pos'] },
    ),
    fixed(
      [P.STRING, P.INT, P.INT],
      SqlTypes.STRING,
      (s: string, pos: number, len: number) => {
        const start = startIndex(s.length, pos);
        return s.substring(start, endIndex(s.length, start, len));
      },
      { paramNames: ['str', 'pos', 'len'] },
    ),
    fixed([P.BYTES, P.INT], SqlTypes.BYTES, (b: Buffer, pos: number) =>
      Buffer.from(b.subarray(startIndex(b.length, pos))),
    ),
    fixed([P.BYTES, P.INT, P.INT], SqlTypes.BYTES, (b: Buffer, pos: number, len: number) => {
      const start = startIndex(b.length, pos);
      return Buffer.from(b.subarray(start, endIndex(b.length, start, len)));
    }),
  ],
);
