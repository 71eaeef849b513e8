import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/**
 * SPLIT by a literal delimiter: leading, trailing and adjacent delimiters give empty strings; an
 * empty delimiter splits into characters.
 */
function splitBytes(b: Buffer, d: Buffer): Buffer[] {
  if (b.length === 0) return [Buffer.alloc(0)];
  if (d.length === 0) return [...b].map((x) => Buffer.from([x]));
  const out: Buffer[] = [];
  let start = 0;
  for (let i = b.indexOf(d, 0); i >= 0; i = b.indexOf(d, start)) {
    out.push(Buffer.from(b.subarray(start, i)));
    start = i + d.length;
  }
  out.push(Buffer.from(b.subarray(start)));
  return out;
}

export const SPLIT = scalar(
  'SPLIT',
  CATEGORY.STRING,
  'Splits a string or bytes into an array of substrings based on a delimiter.',
  [
    fixed([P.STRING, P.STRING], SqlTypes.array(SqlTypes.STRING), (s: string, d: string) =>
      // an empty string splits into one empty piece, as in Java (JS gives [] for ''.split(''))
      s === '' ? [''] : d === '' ? Array.from(s) : s.split(d),
    ),
    fixed([P.BYTES, P.BYTES], SqlTypes.array(SqlTypes.BYTES), splitBytes),
  ],
);
