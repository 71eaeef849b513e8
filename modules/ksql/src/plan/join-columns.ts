import { KsqlError } from '../errors.js';
import type { ColumnRef } from '../parser/ast.js';
import type { Column } from '../schema/logical-schema.js';
import type { SqlType } from '../types/sql-type.js';
import type { PlannedStream } from './planned-stream.js';

/**
 * The columns one side of a join offers to its ON expression and to the joined row: for a plain
 * source every column of its row layout (value, key copies, pseudo-columns) owned by its alias;
 * for an earlier join's result, the columns its `sources` record, each owned by its own alias.
 */
export interface SideColumn {
  /** Alias of the source the column comes from. */
  readonly owner: string;
  /** The column's name in that source (`ID`). */
  readonly column: string;
  /** Index in the side's row. */
  readonly index: number;
  readonly type: SqlType;
}

export interface SideColumns {
  /** Aliases of the sources on this side, in join order. */
  readonly aliases: readonly string[];
  /** Owned columns in row order (they are the row's first `columns.length` slots). */
  readonly columns: readonly SideColumn[];
}

/** Builds a side's column list; `alias` names a plain source (ignored for a joined side). */
export function sideColumns(alias: string, planned: PlannedStream): SideColumns {
  const value = planned.schema.value;
  if (!planned.sources) {
    return {
      aliases: [alias],
      columns: value.map((c: Column, index) => ({ owner: alias, column: c.name, index, type: c.type })),
    };
  }
  // A joined row starts with the sources' columns, in `sources` order (the join step lays it out so).
  const columns: SideColumn[] = [];
  for (const s of planned.sources) {
    for (const column of s.columns) {
      const i = columns.length;
      if (value[i]?.name !== `${s.alias}_${column}`) {
        throw new Error(`join input column ${s.alias}_${column} is not at position ${i} of its row`);
      }
      columns.push({ owner: s.alias, column, index: i, type: value[i].type });
    }
  }
  return { aliases: planned.sources.map((s) => s.alias), columns };
}

/** The candidates a column reference could mean on one side (several → ambiguous). */
export function candidates(side: SideColumns, ref: ColumnRef): SideColumn[] {
  return side.columns.filter(
    (c) => c.column === ref.name && (ref.qualifier === undefined || c.owner === ref.qualifier),
  );
}

/** Resolves `ref` against both sides: undefined when unknown; throws ksqlDB's error when ambiguous. */
export function resolveAcross(
  left: SideColumns,
  right: SideColumns,
  ref: ColumnRef,
): { readonly side: 'left' | 'right'; readonly column: SideColumn } | undefined {
  const found = [
    ...candidates(left, ref).map((column) => ({ side: 'left' as const, column })),
    ...candidates(right, ref).map((column) => ({ side: 'right' as const, column })),
  ];
  if (found.length > 1) {
    // ksqlDB's AmbiguousColumnException: sorted, `A or B`, `A, B or C`.
    const names = found.map((f) => `${f.column.owner}.${f.column.column}`).sort();
    const options = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0];
    throw new KsqlError(`Column '${ref.name}' is ambiguous. Could be ${options}.`, ref.pos, {
      locationStyle: 'node',
      wrapper: 'Exception while preparing statement: ',
    });
  }
  return found[0];
}
