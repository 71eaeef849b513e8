import { SqlTypes } from '../../../types/sql-type.js';
import { valuesEqual } from '../../../expr/value-compare.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';
import { isJsonObject, readJson, writeJson } from './json-text.js';

/** More JSON functions over JSON text: NULL for text that is not JSON of the expected shape. */
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export const JSON_RECORDS = scalar(
  'JSON_RECORDS',
  CATEGORY.JSON,
  'Given a string with a JSON object, returns a map of its keys to their values: strings as their text, other values as JSON.',
  [
    fixed([P.STRING], SqlTypes.map(SqlTypes.STRING, SqlTypes.STRING), (s: string) => {
      const v = readJson(s);
      return isJsonObject(v)
        ? new Map(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : writeJson(x)]))
        : null;
    }),
  ],
);

export const JSON_ITEMS = scalar(
  'JSON_ITEMS',
  CATEGORY.JSON,
  'Given a string with a JSON array, returns its items as JSON text.',
  [
    fixed([P.STRING], SqlTypes.array(SqlTypes.STRING), (s: string) => {
      const v = readJson(s);
      return Array.isArray(v) ? v.map(writeJson) : null;
    }),
  ],
);

/** JSON_ARRAY_CONTAINS(json, value): FALSE for text that is not a JSON array. */
export const JSON_ARRAY_CONTAINS = scalar(
  'JSON_ARRAY_CONTAINS',
  CATEGORY.JSON,
  'Given a string with a JSON array, returns true if it contains the value.',
  [
    fixed(
      [P.STRING, P.T],
      SqlTypes.BOOLEAN,
      (s: string | null, value: unknown) => {
        if (s === null) return false;
        const v = parse(s);
        if (!Array.isArray(v)) return false;
        const probe =
          typeof value === 'object' && value !== null && 'toNumber' in value
            ? (value as { toNumber(): number }).toNumber()
            : value;
        return v.some(
          (x) =>
            x === probe ||
            (x !== null && probe !== null && typeof x === typeof probe && valuesEqual(x, probe)),
        );
      },
      { nulls: 'pass' },
    ),
  ],
);

/** JSON_CONCAT: objects merge (later keys win), arrays concatenate; NULL when any input is invalid. */
export const JSON_CONCAT = scalar(
  'JSON_CONCAT',
  CATEGORY.JSON,
  'Given multiple strings with JSON objects or arrays, merges them.',
  [
    fixed(
      [P.STRING],
      SqlTypes.STRING,
      (xs: (string | null)[]) => {
        const values = xs.map((x) => (x === null ? undefined : parse(x)));
        if (values.some((v) => v === undefined)) return null;
        if (values.every(isObject)) return JSON.stringify(Object.assign({}, ...values));
        return JSON.stringify(values.flatMap((v) => (Array.isArray(v) ? v : [v])));
      },
      { variadic: true, nulls: 'pass' },
    ),
  ],
);
