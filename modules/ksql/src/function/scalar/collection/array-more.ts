import { type SqlType, SqlTypes } from '../../../types/sql-type.js';
import { valuesEqual } from '../../../expr/value-compare.js';
import { valueToJavaString } from '../../../expr/to-java-string.js';
import { bound, CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P } from '../scalar-function.js';

/** Array functions beyond the basics: concatenation, set operations, removal, joining, slicing, series. */
const same = (call: BoundCall): SqlType =>
  (call.argTypes.find((t) => t !== null) ?? SqlTypes.array(SqlTypes.STRING)) as SqlType;
const eq = (a: unknown, b: unknown): boolean => a === b || (a !== null && b !== null && valuesEqual(a, b));

function distinct(xs: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of xs) if (!out.some((y) => eq(x, y))) out.push(x);
  return out;
}

export const ARRAY_CONCAT = scalar(
  'ARRAY_CONCAT',
  CATEGORY.ARRAY,
  'Concatenates two arrays, NULL only when both are NULL.',
  [
    fixed(
      [P.array(P.T), P.array(P.T)],
      same,
      (a: unknown[] | null, b: unknown[] | null) =>
        a === null && b === null ? null : [...(a ?? []), ...(b ?? [])],
      {
        nulls: 'pass',
      },
    ),
  ],
);

export const ARRAY_UNION = scalar(
  'ARRAY_UNION',
  CATEGORY.ARRAY,
  'Returns the distinct values of both arrays, in order.',
  [fixed([P.array(P.T), P.array(P.T)], same, (a: unknown[], b: unknown[]) => distinct([...a, ...b]))],
);

export const ARRAY_INTERSECT = scalar(
  'ARRAY_INTERSECT',
  CATEGORY.ARRAY,
  'Returns the distinct values of the first array that the second also contains.',
  [
    fixed([P.array(P.T), P.array(P.T)], same, (a: unknown[], b: unknown[]) =>
      distinct(a).filter((x) => b.some((y) => eq(x, y))),
    ),
  ],
);

export const ARRAY_EXCEPT = scalar(
  'ARRAY_EXCEPT',
  CATEGORY.ARRAY,
  'Returns the distinct values of the first array that the second does not contain.',
  [
    fixed([P.array(P.T), P.array(P.T)], same, (a: unknown[], b: unknown[]) =>
      distinct(a).filter((x) => !b.some((y) => eq(x, y))),
    ),
  ],
);

export const ARRAY_REMOVE = scalar(
  'ARRAY_REMOVE',
  CATEGORY.ARRAY,
  'Removes all elements equal to the value (NULL removes NULLs).',
  [
    fixed(
      [P.array(P.T), P.T],
      same,
      (a: unknown[] | null, v: unknown) => (a === null ? null : a.filter((x) => !eq(x, v))),
      { nulls: 'pass' },
    ),
  ],
);

/** ARRAY_JOIN of primitive elements with a delimiter (default ','); NULL elements print as `null`. */
function joiner(call: BoundCall) {
  const el = (call.argTypes[0] as { element: SqlType } | null)?.element;
  if (el && (el.base === 'ARRAY' || el.base === 'MAP' || el.base === 'STRUCT')) {
    throw new RangeError(`ARRAY_JOIN only supports arrays of primitive types, not ${el.base}`);
  }
  return (a: unknown[]) => {
    const arr = a[0] as unknown[] | null;
    if (arr === null) return null;
    const d = a.length > 1 ? ((a[1] as string | null) ?? '') : ',';
    return arr.map((x) => (x === null ? 'null' : el ? valueToJavaString(x, el) : String(x))).join(d);
  };
}

export const ARRAY_JOIN = scalar(
  'ARRAY_JOIN',
  CATEGORY.ARRAY,
  'Creates a flat string representation of all the primitive elements contained in the given array.',
  [
    bound([P.array(P.T)], SqlTypes.STRING, joiner, { nulls: 'pass' }),
    bound([P.array(P.T), P.STRING], SqlTypes.STRING, joiner, { nulls: 'pass' }),
  ],
);

/** SLICE(array, from, to): 1-based, inclusive; NULL bounds mean the ends; an impossible range is NULL. */
export const SLICE = scalar(
  'SLICE',
  CATEGORY.ARRAY,
  'Returns a subset of the array, from the first index to the second, inclusive (1-based).',
  [
    fixed(
      [P.array(P.T), P.INT, P.INT],
      same,
      (a: unknown[] | null, from: number | null, to: number | null) => {
        if (a === null) return null;
        const start = from === null ? 0 : from - 1;
        const end = to === null ? a.length : to;
        return start < 0 || end > a.length || start > end ? null : a.slice(start, end);
      },
      { nulls: 'pass' },
    ),
  ],
);

function series(start: number, end: number, step: number | undefined, wrap: (v: number) => number): number[] {
  const s = step ?? (end - start > 0 ? 1 : -1);
  if (s === 0) throw new RangeError('GENERATE_SERIES step cannot be zero');
  const out: number[] = [];
  if ((end - start) * s < 0) throw new RangeError('GENERATE_SERIES step has wrong sign');
  for (let v = start; s > 0 ? v <= end : v >= end; v = wrap(v + s)) out.push(v);
  return out;
}

export const GENERATE_SERIES = scalar(
  'GENERATE_SERIES',
  CATEGORY.ARRAY,
  'Constructs an array of values between start and end (inclusive), by step (default 1 or -1).',
  [
    fixed([P.INT, P.INT], SqlTypes.array(SqlTypes.INTEGER), (a: number, b: number) =>
      series(a, b, undefined, (v) => v),
    ),
    fixed([P.INT, P.INT, P.INT], SqlTypes.array(SqlTypes.INTEGER), (a: number, b: number, s: number) =>
      series(a, b, s, (v) => v),
    ),
    fixed([P.BIGINT, P.BIGINT], SqlTypes.array(SqlTypes.BIGINT), (a: number, b: number) =>
      series(a, b, undefined, (v) => v),
    ),
    fixed([P.BIGINT, P.BIGINT, P.INT], SqlTypes.array(SqlTypes.BIGINT), (a: number, b: number, s: number) =>
      series(a, b, s, (v) => v),
    ),
  ],
);
