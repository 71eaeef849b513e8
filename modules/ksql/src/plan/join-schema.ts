import { type Column, LogicalSchema } from '../schema/logical-schema.js';
import { SqlTypes } from '../types/sql-type.js';
import type { SideColumns } from './join-columns.js';

/** Value columns `<ALIAS>_<COL>` of both sides, then the key and pseudo-columns of the result. */
export function joinSchema(
  L: SideColumns,
  R: SideColumns,
  keyColumns: readonly Column[],
  windowed: boolean,
): LogicalSchema {
  const owned = [...L.columns, ...R.columns].map((c) => ({ name: `${c.owner}_${c.column}`, type: c.type }));
  const trailing = [
    ...keyColumns.map((c) => ({ name: c.name, type: c.type })),
    { name: 'ROWTIME', type: SqlTypes.BIGINT },
    { name: 'ROWPARTITION', type: SqlTypes.INTEGER },
    { name: 'ROWOFFSET', type: SqlTypes.BIGINT },
    ...(windowed
      ? [
          { name: 'WINDOWSTART', type: SqlTypes.BIGINT },
          { name: 'WINDOWEND', type: SqlTypes.BIGINT },
        ]
      : []),
  ];
  return LogicalSchema.of(
    keyColumns.map((c) => ({ name: c.name, type: c.type })),
    [...owned, ...trailing],
  );
}
