import { type SqlType, SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P } from '../scalar-function.js';

/** AS_MAP(keys, values): pairs keys with values by position; extra keys map to NULL. */
export const AS_MAP = scalar(
  'AS_MAP',
  CATEGORY.MAP,
  'Construct a map from a list of keys and a list of values.',
  [
    fixed(
      [P.array(P.STRING), P.array(P.T)],
      (call: BoundCall) =>
        SqlTypes.map(
          SqlTypes.STRING,
          (call.argTypes[1] as { element: SqlType } | null)?.element ?? SqlTypes.STRING,
        ),
      (keys: (string | null)[], values: unknown[]) => {
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < keys.length; i++) m.set(keys[i], i < values.length ? values[i] : null);
        return m;
      },
    ),
  ],
);

export const MAP_KEYS = scalar(
  'MAP_KEYS',
  CATEGORY.MAP,
  'Returns an array that contains all of the keys from the specified map.',
  [
    fixed(
      [P.map(P.K, P.V)],
      (call: BoundCall) => SqlTypes.array((call.argTypes[0] as { key: SqlType }).key),
      (m: Map<unknown, unknown>) => [...m.keys()],
    ),
  ],
);

export const MAP_VALUES = scalar(
  'MAP_VALUES',
  CATEGORY.MAP,
  'Returns an array that contains all of the values from the specified map.',
  [
    fixed(
      [P.map(P.K, P.V)],
      (call: BoundCall) => SqlTypes.array((call.argTypes[0] as { value: SqlType }).value),
      (m: Map<unknown, unknown>) => [...m.values()],
    ),
  ],
);
