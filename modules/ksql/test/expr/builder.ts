import type { SourcePosition } from '../../src/errors.js';
import type {
  ColumnScope,
  CompiledExpression,
  EvaluationError,
  ResolvedColumn,
} from '../../src/expr/compiled.js';
import { compileExpression } from '../../src/expr/compile.js';
import { createFunctionRegistry } from '../../src/function/registry.js';
import type { ArithmeticOperator, ComparisonOperator, Expression, WindowUnit } from '../../src/parser/ast.js';
import type { SqlType } from '../../src/types/sql-type.js';

/**
 * A tiny builder for expression trees (the tests do not depend on the parser) and a scope over
 * named, typed columns laid out in the given order.
 */
export const at = (line: number, column: number): SourcePosition => ({ line, column });

export const E = {
  nul: (): Expression => ({ kind: 'NullLiteral' }),
  bool: (value: boolean): Expression => ({ kind: 'BooleanLiteral', value }),
  int: (value: number): Expression => ({ kind: 'IntegerLiteral', value, type: 'INTEGER' }),
  bigint: (value: number): Expression => ({ kind: 'IntegerLiteral', value, type: 'BIGINT' }),
  dec: (text: string): Expression => ({ kind: 'DecimalLiteral', text }),
  dbl: (value: number): Expression => ({ kind: 'DoubleLiteral', value }),
  str: (value: string): Expression => ({ kind: 'StringLiteral', value }),
  typed: (typeName: string, text: string): Expression => ({ kind: 'TypedLiteral', typeName, text }),
  col: (name: string, pos?: SourcePosition, qualifier?: string): Expression => ({
    kind: 'ColumnRef',
    name,
    pos,
    qualifier,
  }),
  arith: (op: ArithmeticOperator, left: Expression, right: Expression, pos?: SourcePosition): Expression => ({
    kind: 'Arithmetic',
    op,
    left,
    right,
    pos,
  }),
  neg: (operand: Expression): Expression => ({ kind: 'Negate', operand, sign: '-' }),
  concat: (left: Expression, right: Expression): Expression => ({ kind: 'Concat', left, right }),
  cmp: (op: ComparisonOperator, left: Expression, right: Expression, pos?: SourcePosition): Expression => ({
    kind: 'Comparison',
    op,
    left,
    right,
    pos,
  }),
  distinct: (left: Expression, right: Expression, not = false): Expression => ({
    kind: 'IsDistinctFrom',
    left,
    right,
    not,
  }),
  and: (left: Expression, right: Expression): Expression => ({ kind: 'And', left, right }),
  or: (left: Expression, right: Expression): Expression => ({ kind: 'Or', left, right }),
  not: (operand: Expression): Expression => ({ kind: 'Not', operand }),
  isNull: (operand: Expression, not = false): Expression => ({ kind: 'IsNull', operand, not }),
  between: (value: Expression, lower: Expression, upper: Expression, not = false): Expression => ({
    kind: 'Between',
    value,
    lower,
    upper,
    not,
  }),
  inList: (value: Expression, list: Expression[], not = false): Expression => ({
    kind: 'InList',
    value,
    list,
    not,
  }),
  like: (value: Expression, pattern: Expression, esc?: string, not = false): Expression => ({
    kind: 'Like',
    value,
    pattern,
    escape: esc,
    not,
  }),
  caseWhen: (whens: [Expression, Expression][], otherwise?: Expression): Expression => ({
    kind: 'SearchedCase',
    whens: whens.map(([when, then]) => ({ when, then })),
    else: otherwise,
  }),
  caseOf: (operand: Expression, whens: [Expression, Expression][], otherwise?: Expression): Expression => ({
    kind: 'SimpleCase',
    operand,
    whens: whens.map(([when, then]) => ({ when, then })),
    else: otherwise,
  }),
  cast: (expression: Expression, type: SqlType, pos?: SourcePosition): Expression => ({
    kind: 'Cast',
    expression,
    type,
    pos,
  }),
  call: (name: string, ...args: Expression[]): Expression => ({ kind: 'FunctionCall', name, args }),
  unit: (unit: WindowUnit): Expression => ({ kind: 'IntervalUnit', unit }),
  lambda: (params: string[], body: Expression): Expression => ({ kind: 'Lambda', params, body }),
  deref: (base: Expression, field: string): Expression => ({ kind: 'Dereference', base, field }),
  sub: (base: Expression, index: Expression): Expression => ({ kind: 'Subscript', base, index }),
  array: (...items: Expression[]): Expression => ({ kind: 'ArrayConstructor', items }),
  map: (...entries: [Expression, Expression][]): Expression => ({
    kind: 'MapConstructor',
    entries: entries.map(([key, value]) => ({ key, value })),
  }),
  struct: (...fields: [string, Expression][]): Expression => ({
    kind: 'StructConstructor',
    fields: fields.map(([name, value]) => ({ name, value })),
  }),
};

/** A scope over columns `[name, type]` at row indexes 0, 1, …; `alias.col` resolves through `qualifier`. */
export function scopeOf(columns: readonly (readonly [string, SqlType])[], qualifier?: string): ColumnScope {
  return {
    resolve(ref): ResolvedColumn | undefined {
      if (ref.qualifier !== undefined && ref.qualifier !== qualifier) return undefined;
      const index = columns.findIndex(([n]) => n === ref.name);
      return index < 0 ? undefined : { index, type: columns[index][1], name: ref.name };
    },
  };
}

export const registry = createFunctionRegistry();

/** Compiles `expr` against `columns` (default: none). */
export function compile(
  expr: Expression,
  columns: readonly (readonly [string, SqlType])[] = [],
): CompiledExpression {
  return compileExpression(expr, scopeOf(columns), registry);
}

/** Compiles and evaluates on one row. */
export function evaluate(
  expr: Expression,
  columns: readonly (readonly [string, SqlType])[] = [],
  row: unknown[] = [],
): unknown {
  return compile(expr, columns).evaluate(row);
}

/** Compiles with an error sink: returns the compiled expression and the failures it reported as NULL. */
export function compileCollecting(
  expr: Expression,
  columns: readonly (readonly [string, SqlType])[] = [],
): { compiled: CompiledExpression; errors: EvaluationError[] } {
  const errors: EvaluationError[] = [];
  const compiled = compileExpression(expr, scopeOf(columns), registry, { onError: (e) => errors.push(e) });
  return { compiled, errors };
}
