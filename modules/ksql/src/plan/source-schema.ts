import { type Column, LogicalSchema } from '../schema/logical-schema.js';
import { SqlTypes } from '../types/sql-type.js';
import type { WindowInfo } from './planned-stream.js';

/** ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT — the pseudo-columns every source row carries. */
export const PSEUDO_COLUMN_DEFS: readonly Column[] = [
  { name: 'ROWTIME', type: SqlTypes.BIGINT, namespace: 'VALUE' },
  { name: 'ROWPARTITION', type: SqlTypes.INTEGER, namespace: 'VALUE' },
  { name: 'ROWOFFSET', type: SqlTypes.BIGINT, namespace: 'VALUE' },
];

export const WINDOW_BOUND_DEFS: readonly Column[] = [
  { name: 'WINDOWSTART', type: SqlTypes.BIGINT, namespace: 'VALUE' },
  { name: 'WINDOWEND', type: SqlTypes.BIGINT, namespace: 'VALUE' },
];

export const RESERVED_COLUMN_NAMES: ReadonlySet<string> = new Set([
  ...PSEUDO_COLUMN_DEFS.map((c) => c.name),
  ...WINDOW_BOUND_DEFS.map((c) => c.name),
]);

/**
 * The schema of a source's rows inside a query (planned-stream.ts): value columns, the key
 * columns copied, the pseudo-columns, and for windowed sources the window bounds.
 */
export function withPseudoAndKeyColumns(schema: LogicalSchema, window?: WindowInfo): LogicalSchema {
  const value: Column[] = [
    ...schema.value,
    ...schema.key.map((c) => ({ ...c, namespace: 'VALUE' as const })),
    ...PSEUDO_COLUMN_DEFS,
    ...(window ? WINDOW_BOUND_DEFS : []),
  ];
  return new LogicalSchema(schema.key, value);
}
