import { KsqlError } from '../errors.js';
import type { ExpressionOf } from '../parser/ast.js';
import type { CompileContext, Compiled } from './context.js';
import { formatExpression } from './format-expression.js';

/**
 * A column reference: a lambda parameter when one of that name is in scope (parameters shadow
 * columns), otherwise the scope's column, read by its index in the evaluation row.
 */
export function compileColumnRef(e: ExpressionOf<'ColumnRef'>, ctx: CompileContext): Compiled {
  if (!e.qualifier) {
    const v = ctx.lambdaVars.get(e.name);
    if (v) {
      const slot = v.slot;
      return { expr: e, type: v.type, evaluate: () => slot.value };
    }
  }
  const col = ctx.scope.resolve(e);
  if (!col) {
    const prefix = ctx.clause ? `${ctx.clause} column` : 'Column';
    throw new KsqlError(`${prefix} '${formatExpression(e)}' cannot be resolved.`, e.pos);
  }
  const index = col.index;
  return { expr: e, type: col.type, evaluate: (row) => row[index] ?? null };
}
