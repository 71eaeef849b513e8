import { KsqlError } from '../errors.js';
import type { Expression, ExpressionOf } from '../parser/ast.js';
import { formatSqlType, type SqlType } from '../types/sql-type.js';
import { identity, implicitConverter } from './cast.js';
import { checkComparison, comparisonEvaluator } from './comparison.js';
import type { CompileContext, Compiled, Evaluator } from './context.js';
import { formatExpression } from './format-expression.js';
import { commonType, type MaybeType } from './type-rules.js';

/**
 * CASE: the result type is the common type of the THEN and ELSE branches (numbers widen); the
 * first WHEN that is TRUE chooses (NULL and FALSE do not); no match and no ELSE is NULL.
 */
function resultOf(
  e: Expression,
  branches: readonly { readonly when: Expression; readonly result: Compiled }[],
  elseBranch: Compiled | undefined,
): { type: SqlType; thens: Evaluator[]; otherwise: Evaluator } {
  let type: MaybeType = null;
  for (const b of branches) {
    const next = commonType(type, b.result.type);
    if (next === undefined) {
      throw new KsqlError(
        `Invalid Case expression. Type for all 'THEN' clauses should be the same.\nTHEN expression 'WHEN ${formatExpression(b.when)} THEN ${formatExpression(b.result.expr)}' has type: ${formatSqlType(b.result.type as SqlType)}.\nPrevious THEN expression(s) type: ${formatSqlType(type as SqlType)}.`,
        e.pos,
      );
    }
    type = next;
  }
  if (elseBranch) {
    const next = commonType(type, elseBranch.type);
    if (next === undefined) {
      throw new KsqlError(
        `Invalid Case expression. Type for the default clause should be the same as for 'THEN' clauses.\nTHEN type: ${formatSqlType(type as SqlType)}.\nDEFAULT type: ${formatSqlType(elseBranch.type as SqlType)}.`,
        e.pos,
      );
    }
    type = next;
  }
  if (type === null) throw new KsqlError('Invalid Case expression. All case branches have NULL type', e.pos);
  const to = type;
  const conv = (c: Compiled): Evaluator => {
    const f = implicitConverter(c.type, to);
    const ev = c.evaluate;
    return f === identity ? ev : (row) => f(ev(row));
  };
  return {
    type: to,
    thens: branches.map((b) => conv(b.result)),
    otherwise: elseBranch ? conv(elseBranch) : () => null,
  };
}

function build(
  e: Expression,
  conditions: Evaluator[],
  type: SqlType,
  thens: Evaluator[],
  otherwise: Evaluator,
): Compiled {
  const n = conditions.length;
  return {
    expr: e,
    type,
    evaluate: (row) => {
      for (let i = 0; i < n; i++) if (conditions[i](row) === true) return thens[i](row);
      return otherwise(row);
    },
  };
}

export function compileSearchedCase(e: ExpressionOf<'SearchedCase'>, ctx: CompileContext): Compiled {
  const conditions: Evaluator[] = [];
  const branches = e.whens.map((w) => {
    const when = ctx.compile(w.when);
    if (when.type !== null && when.type.base !== 'BOOLEAN') {
      throw new KsqlError(
        `WHEN operand type should be boolean.\nType for '${formatExpression(w.when)}' is ${formatSqlType(when.type)}`,
        w.when.pos,
      );
    }
    conditions.push(when.evaluate);
    return { when: w.when, result: ctx.compile(w.then) };
  });
  const elseBranch = e.else ? ctx.compile(e.else) : undefined;
  const { type, thens, otherwise } = resultOf(e, branches, elseBranch);
  return build(e, conditions, type, thens, otherwise);
}

/** `CASE v WHEN x THEN …`: each WHEN is `v = x` (FALSE for NULLs). */
export function compileSimpleCase(e: ExpressionOf<'SimpleCase'>, ctx: CompileContext): Compiled {
  const operand = ctx.compile(e.operand);
  const conditions: Evaluator[] = [];
  const branches = e.whens.map((w) => {
    const when = ctx.compile(w.when);
    if (operand.type === null || when.type === null) conditions.push(() => false);
    else {
      checkComparison(w.when, operand, '=', when);
      conditions.push(comparisonEvaluator('=', operand, when));
    }
    return { when: w.when, result: ctx.compile(w.then) };
  });
  const elseBranch = e.else ? ctx.compile(e.else) : undefined;
  const { type, thens, otherwise } = resultOf(e, branches, elseBranch);
  return build(e, conditions, type, thens, otherwise);
}
