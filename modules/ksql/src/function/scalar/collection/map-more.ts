import { type SqlType, SqlTypes } from '../../../types/sql-type.js';
import { compareValues } from '../../../expr/value-compare.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P } from '../scalar-function.js';

/** MAP_UNION: entries of both maps, the second winning; NULL maps are skipped. */
export const MAP_UNION = scalar(
  'MAP_UNION',
  CATEGORY.MAP,
  'Returns a new map containing the union of all entries from both input maps.',
  [
    fixed(
      [P.map(P.STRING, P.T), P.map(P.STRING, P.T)],
      (call: BoundCall) =>
        (call.argTypes.find((t) => t !== null) ?? SqlTypes.map(SqlTypes.STRING, SqlTypes.STRING)) as SqlType,
      (a: Map<unknown, unknown> | null, b: Map<unknown, unknown> | null) => {
        if (a === null && b === null) return null;
        return new Map([...(a ?? []), ...(b ?? [])]);
      },
      { nulls: 'pass' },
    ),
  ],
);

/** ENTRIES(map, sorted): the entries as STRUCT<K, V>, optionally sorted by key. */
export const ENTRIES = scalar(
  'ENTRIES',
  CATEGORY.MAP,
  'Constructs an array of structs from the entries in a map.',
  [
    fixed(
      [P.map(P.STRING, P.T), P.BOOLEAN],
      (call: BoundCall) =>
        SqlTypes.array(
          SqlTypes.struct([
            { name: 'K', type: SqlTypes.STRING },
            { name: 'V', type: (call.argTypes[0] as { value: SqlType } | null)?.value ?? SqlTypes.STRING },
          ]),
        ),
      (m: Map<string, unknown>, sorted: boolean) => {
        const entries = [...m].map(([K, V]) => ({ K, V }));
        if (sorted) entries.sort((x, y) => compareValues(x.K, y.K));
        return entries;
      },
    ),
  ],
);

/** SPLIT_TO_MAP('a=1,b=2', ',', '='): entries without the key delimiter are skipped. */
export const SPLIT_TO_MAP = scalar(
  'SPLIT_TO_MAP',
  CATEGORY.MAP,
  'Splits a string into key-value pairs and creates a map from them.',
  [
    fixed(
      [P.STRING, P.STRING, P.STRING],
      SqlTypes.map(SqlTypes.STRING, SqlTypes.STRING),
      (s: string, entryDelim: string, kvDelim: string) => {
        if (entryDelim === '' || kvDelim === '' || entryDelim === kvDelim) return null;
        const m = new Map<string, string>();
        for (const entry of s.split(entryDelim)) {
          if (entry === '') continue;
          // 'k:v:w' keeps 'v' (the text between the first and second separator), as ksqlDB does
          const parts = entry.split(kvDelim);
          if (parts.length < 2) continue;
          m.set(parts[0], parts[1]);
        }
        return m;
      },
    ),
  ],
);
