import { KsqlError } from '../errors.js';
import type { ExpressionOf } from '../parser/ast.js';
import { formatSqlType } from '../types/sql-type.js';
import { castConverter, identity } from './cast.js';
import { EvaluationError } from './compiled.js';
import type { CompileContext, Compiled } from './context.js';
import { constant } from './literals.js';

/**
 * CAST(x AS type). A cast ksqlDB does not support is a statement error; a value that does not
 * convert (CAST('abc' AS INT), an overflowing DECIMAL) is NULL, the failure going to `onError`
 * (ksqlDB's nested error handling logs it to the processing log).
 */
export function compileCast(e: ExpressionOf<'Cast'>, ctx: CompileContext): Compiled {
  const inner = ctx.compile(e.expression);
  const to = e.type;
  if (inner.type === null) return constant(e, to, null);
  const conv = castConverter(inner.type, to);
  if (!conv)
    throw new KsqlError(
      `Cast of ${formatSqlType(inner.type)} to ${formatSqlType(to)} is not supported`,
      e.pos,
    );
  const ev = inner.evaluate;
  if (conv === identity) return { expr: e, type: to, evaluate: ev, constant: inner.constant };
  const onError = ctx.onError;
  const evaluate = (row: readonly unknown[]): unknown => {
    const v = ev(row);
    if (v === null) return null;
    try {
      return conv(v);
    } catch (err) {
      // ksqlDB's nested error handling: a failing CAST is logged and evaluates to NULL
      onError(
        new EvaluationError(
          `Failed to cast ${String(v)} to ${formatSqlType(to)}: ${(err as Error).message}`,
          e.pos,
          { cause: err },
        ),
      );
      return null;
    }
  };
  if (inner.constant && inner.constant.value !== null) {
    const value = inner.constant.value;
    try {
      const converted = conv(value);
      return { expr: e, type: to, evaluate: () => converted, constant: { value: converted } };
    } catch {
      // a literal that does not convert is NULL (and reported) on each row, as in ksqlDB
    }
  }
  return { expr: e, type: to, evaluate };
}
