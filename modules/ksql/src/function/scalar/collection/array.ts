import { type SqlType, SqlTypes } from '../../../types/sql-type.js';
import { compareValues, valuesEqual } from '../../../expr/value-compare.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P } from '../scalar-function.js';

export const ARRAY_LENGTH = scalar(
  'ARRAY_LENGTH',
  CATEGORY.ARRAY,
  'Returns the number of elements in an array, or NULL if the array is NULL.',
  [fixed([P.array(P.T)], SqlTypes.INTEGER, (a: unknown[]) => a.length)],
);

/** ARRAY_CONTAINS: FALSE for a NULL array; a NULL value matches a NULL element. */
export const ARRAY_CONTAINS = scalar(
  'ARRAY_CONTAINS',
  CATEGORY.ARRAY,
  'Returns true if the array is non-null and contains the supplied value.',
  [
    fixed(
      [P.array(P.T), P.T],
      SqlTypes.BOOLEAN,
      (a: unknown[] | null, v: unknown) => {
        if (a === null) return false;
        for (const x of a) if (x === v || (x !== null && v !== null && valuesEqual(x, v))) return true;
        return false;
      },
      { nulls: 'pass' },
    ),
  ],
);

const elementType = (call: BoundCall): SqlType => (call.argTypes[0] as { element: SqlType }).element;

function extreme(sign: 1 | -1) {
  return (a: unknown[]) => {
    let best: unknown = null;
    for (const x of a) if (x !== null && (best === null || compareValues(x, best) * sign > 0)) best = x;
    return best;
  };
}

export const ARRAY_MIN = scalar(
  'ARRAY_MIN',
  CATEGORY.ARRAY,
  'Return the minimum value from within an array of primitive values, ignoring NULLs.',
  [fixed([P.array(P.T)], elementType, extreme(-1))],
);

export const ARRAY_MAX = scalar(
  'ARRAY_MAX',
  CATEGORY.ARRAY,
  'Return the maximum value from within an array of primitive values, ignoring NULLs.',
  [fixed([P.array(P.T)], elementType, extreme(1))],
);

/** ARRAY_SORT(array[, 'ASC'|'DESC']): NULLs last. */
export const ARRAY_SORT = scalar(
  'ARRAY_SORT',
  CATEGORY.ARRAY,
  'Sort an array of primitive values, according to their natural sort order. NULLs are placed last.',
  [
    fixed(
      [P.array(P.T)],
      (call: BoundCall) => call.argTypes[0] as SqlType,
      (a: unknown[]) => sortValues(a, 1),
    ),
    fixed(
      [P.array(P.T), P.STRING],
      (call: BoundCall) => call.argTypes[0] as SqlType,
      (a: unknown[], dir: string) => {
        const d = dir.toUpperCase();
        return d === 'ASC' ? sortValues(a, 1) : d === 'DESC' ? sortValues(a, -1) : null;
      },
    ),
  ],
);

function sortValues(a: readonly unknown[], sign: 1 | -1): unknown[] {
  return [...a].sort((x, y) =>
    x === null ? (y === null ? 0 : 1) : y === null ? -1 : sign * compareValues(x, y),
  );
}

/** ARRAY_DISTINCT: first occurrences, in order. */
export const ARRAY_DISTINCT = scalar(
  'ARRAY_DISTINCT',
  CATEGORY.ARRAY,
  'Returns an array of all the distinct values, including NULL if present, from the input array.',
  [
    fixed(
      [P.array(P.T)],
      (call: BoundCall) => call.argTypes[0] as SqlType,
      (a: unknown[]) => {
        const out: unknown[] = [];
        for (const x of a)
          if (!out.some((y) => y === x || (x !== null && y !== null && valuesEqual(x, y)))) out.push(x);
        return out;
      },
    ),
  ],
);
