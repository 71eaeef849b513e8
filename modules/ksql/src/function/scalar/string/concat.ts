import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** CONCAT and CONCAT_WS: NULL inputs are skipped; CONCAT_WS is NULL only when the separator is. */
export const CONCAT = scalar(
  'CONCAT',
  CATEGORY.STRING,
  'Concatenate an arbitrary number of string or bytes fields together.',
  [
    fixed([P.STRING], SqlTypes.STRING, (xs: (string | null)[]) => xs.filter((x) => x !== null).join(''), {
      variadic: true,
      nulls: 'pass',
    }),
    fixed(
      [P.BYTES],
      SqlTypes.BYTES,
      (xs: (Buffer | null)[]) => Buffer.concat(xs.filter((x): x is Buffer => x !== null)),
      {
        variadic: true,
        nulls: 'pass',
      },
    ),
  ],
);

function joinBytes(sep: Buffer, xs: (Buffer | null)[]): Buffer {
  const parts: Buffer[] = [];
  for (const x of xs) {
    if (x === null) continue;
    if (parts.length > 0) parts.push(sep);
    parts.push(x);
  }
  return Buffer.concat(parts);
}

export const CONCAT_WS = scalar(
  'CONCAT_WS',
  CATEGORY.STRING,
  'Concatenate several strings or bytes, inserting a separator passed as the first argument between each one.',
  [
    fixed(
      [P.STRING, P.STRING],
      SqlTypes.STRING,
      (sep: string | null, xs: (string | null)[]) =>
        sep === null ? null : xs.filter((x) => x !== null).join(sep),
      { variadic: true, nulls: 'pass' },
    ),
    fixed(
      [P.BYTES, P.BYTES],
      SqlTypes.BYTES,
      (sep: Buffer | null, xs: (Buffer | null)[]) => (sep === null ? null : joinBytes(sep, xs)),
      {
        variadic: true,
        nulls: 'pass',
      },
    ),
  ],
);
