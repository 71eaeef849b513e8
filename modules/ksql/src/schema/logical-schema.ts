import type { SqlType } from '../types/sql-type.js';

/**
 * A source's or query's columns, as ksqlDB's LogicalSchema: key columns (in key order), then value
 * columns. Column names are stored resolved: unquoted identifiers upper-cased by the parser, quoted
 * ones exactly as written.
 *
 * Rows flow through compiled queries positionally (ksqlDB's GenericKey / GenericRow):
 *   GenericKey = unknown[]  — the key columns' values, in `key` order
 *   GenericRow = unknown[]  — the value columns' values, in `value` order
 * Pseudo-columns (ROWTIME, ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND) are not part of the
 * stored schema; the planner adds them to the scope expressions are compiled against.
 */
export type ColumnNamespace = 'KEY' | 'VALUE';

export interface Column {
  readonly name: string;
  readonly type: SqlType;
  readonly namespace: ColumnNamespace;
  /** Header columns (`HEADERS` / `HEADER('k')`), when declared. */
  readonly headerKey?: string | null;
}

export type GenericKey = unknown[];
export type GenericRow = unknown[];

export const PSEUDO_COLUMNS = ['ROWTIME', 'ROWPARTITION', 'ROWOFFSET'] as const;
export const WINDOW_BOUNDS_COLUMNS = ['WINDOWSTART', 'WINDOWEND'] as const;

export class LogicalSchema {
  constructor(
    readonly key: readonly Column[],
    readonly value: readonly Column[],
  ) {}

  static of(
    key: readonly Omit<Column, 'namespace'>[],
    value: readonly Omit<Column, 'namespace'>[],
  ): LogicalSchema {
    return new LogicalSchema(
      key.map((c) => ({ ...c, namespace: 'KEY' as const })),
      value.map((c) => ({ ...c, namespace: 'VALUE' as const })),
    );
  }

  /** Key columns then value columns. */
  columns(): Column[] {
    return [...this.key, ...this.value];
  }

  findColumn(name: string): Column | undefined {
    return this.key.find((c) => c.name === name) ?? this.value.find((c) => c.name === name);
  }

  findValueColumn(name: string): Column | undefined {
    return this.value.find((c) => c.name === name);
  }
}
