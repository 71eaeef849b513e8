import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';
import { valuesEqual } from '../../../expr/value-compare.js';

/** COALESCE: the first non-NULL argument (all of one type T). */
export const COALESCE = scalar(
  'COALESCE',
  CATEGORY.CONDITIONAL,
  'Returns the first parameter that is not NULL.',
  [
    fixed(
      [P.T, P.T],
      P.T,
      (first: unknown, rest: unknown[]) => {
        if (first !== null) return first;
        for (const x of rest) if (x !== null) return x;
        return null;
      },
      { variadic: true, nulls: 'pass' },
    ),
  ],
);

export const IFNULL = scalar(
  'IFNULL',
  CATEGORY.CONDITIONAL,
  'If the provided expression is NULL, returns the alternative, otherwise the expression.',
  [fixed([P.T, P.T], P.T, (a: unknown, b: unknown) => (a === null ? b : a), { nulls: 'pass' })],
);

export const NULLIF = scalar(
  'NULLIF',
  CATEGORY.CONDITIONAL,
  'Returns NULL if the two expressions are equal, otherwise the first expression.',
  [
    fixed(
      [P.T, P.T],
      P.T,
      (a: unknown, b: unknown) => (a !== null && b !== null && valuesEqual(a, b) ? null : a),
      { nulls: 'pass' },
    ),
  ],
);
