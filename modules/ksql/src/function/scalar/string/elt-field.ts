import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** ELT(n, a, b, …): the n-th string (1-based), NULL outside the list. */
export const ELT = scalar(
  'ELT',
  CATEGORY.STRING,
  'ELT() returns the Nth element of the list of strings. Returns NULL if N is less than 1 or greater than the number of arguments.',
  [
    fixed(
      [P.INT, P.STRING],
      SqlTypes.STRING,
      (n: number | null, xs: (string | null)[]) => (n === null || n < 1 || n > xs.length ? null : xs[n - 1]),
      {
        variadic: true,
        nulls: 'pass',
      },
    ),
  ],
);

/** FIELD(str, a, b, …): the 1-based position of str in the list, 0 when absent or NULL. */
export const FIELD = scalar(
  'FIELD',
  CATEGORY.STRING,
  'Returns the position (1-indexed) of str in args, or 0 if not found.',
  [
    fixed(
      [P.STRING, P.STRING],
      SqlTypes.INTEGER,
      (s: string | null, xs: (string | null)[]) => (s === null ? 0 : xs.indexOf(s) + 1),
      {
        variadic: true,
        nulls: 'pass',
      },
    ),
  ],
);
