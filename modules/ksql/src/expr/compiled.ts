import type { SourcePosition } from '../errors.js';
import type { ColumnRef } from '../parser/ast.js';
import type { SqlType } from '../types/sql-type.js';

/**
 * The contract between the planner and the expression compiler.
 *
 * The planner lays out an *evaluation row* (`unknown[]`) for each step of a query — e.g. key
 * columns, value columns, then ROWTIME, ROWPARTITION, ROWOFFSET (and WINDOWSTART/WINDOWEND for
 * windowed sources) — and describes it with a `ColumnScope`. The compiler type-checks an
 * expression against the scope once, at planning time, and returns a closure that evaluates it
 * on rows of that layout with no further lookups (the hot path of every KSQL operator).
 */
export interface ResolvedColumn {
  /** Index of the column in the evaluation row. */
  readonly index: number;
  readonly type: SqlType;
  /** The column's resolved name (for messages and output naming). */
  readonly name: string;
}

export interface ColumnScope {
  /**
   * Resolves `col` or `qualifier.col`. Returns undefined when no such column exists (the compiler
   * then raises ksqlDB's "cannot be resolved" error at the reference's position); throws a
   * KsqlError for an ambiguous reference.
   */
  resolve(ref: ColumnRef): ResolvedColumn | undefined;
}

export interface CompiledExpression {
  readonly type: SqlType;
  /** Evaluates on one evaluation row; SQL NULL is `null`. Throws EvaluationError on a failed function. */
  evaluate(row: readonly unknown[]): unknown;
}

/** A run-time failure evaluating an expression on one row (ksqlDB logs it and yields NULL / drops the row). */
export class EvaluationError extends Error {
  constructor(
    message: string,
    readonly position?: SourcePosition,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'EvaluationError';
  }
}
