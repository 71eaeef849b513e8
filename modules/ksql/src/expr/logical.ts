import { KsqlError } from '../errors.js';
import type { ExpressionOf } from '../parser/ast.js';
import { formatSqlType, SqlTypes } from '../types/sql-type.js';
import type { CompileContext, Compiled } from './context.js';
import { formatExpression } from './format-expression.js';

/**
 * AND, OR, NOT with SQL's three-valued logic (ksqlDB fails the row where an operand is NULL —
 * Java unboxing — so where it has no answer this one gives SQL's), and IS [NOT] NULL.
 */
function requireBoolean(c: Compiled, e: Compiled['expr']): void {
  if (c.type !== null && c.type.base !== 'BOOLEAN') {
    throw new KsqlError(
      `Logical operator expects BOOLEAN operands but ${formatExpression(c.expr)} is ${formatSqlType(c.type)} in ${formatExpression(e)}`,
      e.pos,
    );
  }
}

export function compileAnd(e: ExpressionOf<'And'>, ctx: CompileContext): Compiled {
  const l = ctx.compile(e.left);
  const r = ctx.compile(e.right);
  requireBoolean(l, e);
  requireBoolean(r, e);
  const le = l.evaluate;
  const re = r.evaluate;
  return {
    expr: e,
    type: SqlTypes.BOOLEAN,
    evaluate: (row) => {
      const a = le(row);
      if (a === false) return false;
      const b = re(row);
      if (b === false) return false;
      return a === null || b === null ? null : true;
    },
  };
}

export function compileOr(e: ExpressionOf<'Or'>, ctx: CompileContext): Compiled {
  const l = ctx.compile(e.left);
  const r = ctx.compile(e.right);
  requireBoolean(l, e);
  requireBoolean(r, e);
  const le = l.evaluate;
  const re = r.evaluate;
  return {
    expr: e,
    type: SqlTypes.BOOLEAN,
    evaluate: (row) => {
      const a = le(row);
      if (a === true) return true;
      const b = re(row);
      if (b === true) return true;
      return a === null || b === null ? null : false;
    },
  };
}

export function compileNot(e: ExpressionOf<'Not'>, ctx: CompileContext): Compiled {
  const c = ctx.compile(e.operand);
  requireBoolean(c, e);
  const ev = c.evaluate;
  return {
    expr: e,
    type: SqlTypes.BOOLEAN,
    evaluate: (row) => {
      const v = ev(row);
      return v === null ? null : !v;
    },
  };
}

export function compileIsNull(e: ExpressionOf<'IsNull'>, ctx: CompileContext): Compiled {
  const ev = ctx.compile(e.operand).evaluate;
  return {
    expr: e,
    type: SqlTypes.BOOLEAN,
    evaluate: e.not ? (row) => ev(row) !== null : (row) => ev(row) === null,
  };
}
