import { KsqlError } from '../errors.js';
import type { ExpressionOf } from '../parser/ast.js';
import { formatSqlType } from '../types/sql-type.js';
import { castConverter, identity } from './cast.js';
import { EvaluationError } from './compiled.js';
import type { CompileContext, Compiled } from './context.js';
import { constant } from './literals.js';

/**
 * CAST(x AS type). A cast ksqlDB does not support is a statement error; a value that does not
 * convert (CAST('abc' AS INT), an overflowing DECIMAL) fails the row with an EvaluationError —
 * ksqlDB then logs it and the expression's result is NULL.
 */
export function compileCast(e: ExpressionOf<'Cast'>, ctx: CompileContext): Compiled {
  const inner = ctx.compile(e.expression);
  const to = e.type;
  if (inner.type === null) return constant(e, to, null);
  const conv = castConverter(inner.type, to);
  if (!conv) throw new KsqlError(`Cast of ${formatSqlType(inner.type)} to ${formatSqlType(to)} is not supported`, e.pos);
  const ev = inner.evaluate;
  if (conv === identity) return { expr: e, type: to, evaluate: ev, constant: inner.constant };
  const evaluate = (row: readonly unknown[]): unknown => {
    const v = ev(row);
    if (v === null) return null;
    try {
      return conv(v);
    } catch (err) {
      throw new EvaluationError(`Failed to cast ${String(v)} to ${formatSqlType(to)}: ${(err as Error).message}`, e.pos, { cause: err });
    }
  };
  if (inner.constant) {
    try {
      const value = evaluate([]);
      return { expr: e, type: to, evaluate: () => value, constant: { value } };
    } catch {
      // a literal that does not convert fails each row, as it would in ksqlDB
    }
  }
  return { expr: e, type: to, evaluate };
}
