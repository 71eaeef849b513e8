import { KsqlError } from '../errors.js';
import type { Expression, ExpressionOf } from '../parser/ast.js';
import { formatSqlType, type SqlType, SqlTypes } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';
import { castConverter, parseSqlBooleanExact } from './cast.js';
import type { CompileContext, Compiled, Evaluator } from './context.js';
import { formatExpression } from './format-expression.js';
import { constant } from './literals.js';
import { comparisonEvaluator, isValidComparison } from './comparison.js';
import { isNumeric } from './type-rules.js';

/**
 * A string literal in an IN list takes the tested value's type, as ksqlDB's InListEvaluator
 * coerces it (`INT_COL IN (1, '2')`); a string that does not parse is a statement error.
 */
function coerceStringLiteral(item: Compiled, to: SqlType): Compiled {
  const raw = String(item.constant?.value ?? '');
  const text = raw.trim();
  const fail = (): never => {
    throw new KsqlError(`invalid input syntax for type ${to.base}: "${raw}".`, item.expr.pos);
  };
  if (to.base === 'BOOLEAN') {
    const b = parseSqlBooleanExact(text);
    return b === undefined ? fail() : constant(item.expr, SqlTypes.BOOLEAN, b);
  }
  if (isNumeric(to)) {
    let d: Decimal;
    try {
      d = Decimal.parse(text);
    } catch {
      return fail();
    }
    if (to.base === 'INTEGER' || to.base === 'BIGINT') {
      // 2.0 matches an integer; 5.10 cannot equal one, so it is kept as a DECIMAL
      return d.scale === 0 || d.unscaled % 10n ** BigInt(d.scale) === 0n
        ? constant(item.expr, SqlTypes.BIGINT, d.toNumber())
        : constant(item.expr, SqlTypes.decimal(Math.max(d.precision(), d.scale + 1), d.scale), d);
    }
    if (to.base === 'DOUBLE') return constant(item.expr, SqlTypes.DOUBLE, d.toNumber());
    return constant(item.expr, SqlTypes.decimal(Math.max(d.precision(), d.scale + 1), d.scale), d);
  }
  const conv = castConverter(SqlTypes.STRING, to);
  if (conv && (to.base === 'DATE' || to.base === 'TIME' || to.base === 'TIMESTAMP')) {
    try {
      return constant(item.expr, to, conv(text));
    } catch {
      return fail();
    }
  }
  return item;
}

/** `v [NOT] IN (a, b, …)`: TRUE when v equals an item; FALSE when v is NULL or nothing matches. */
export function compileInList(e: ExpressionOf<'InList'>, ctx: CompileContext): Compiled {
  const value = ctx.compile(e.value);
  if (value.type === null) return constant(e, SqlTypes.BOOLEAN, e.not);
  const vt = value.type;
  const tests: Evaluator[] = [];
  for (const itemExpr of e.list) {
    let item = ctx.compile(itemExpr);
    if (item.type === null) continue; // NULL never matches
    if (item.constant && item.type.base === 'STRING' && vt.base !== 'STRING')
      item = coerceStringLiteral(item, vt);
    if (!isValidComparison(vt, '=', item.type as SqlType)) {
      const hint = vt.base === 'BOOLEAN' ? '\nHint: You might need to add explicit type casts.' : '';
      throw new KsqlError(
        `operator does not exist: ${formatSqlType(vt)} = ${formatSqlType(item.type as SqlType)} (${formatExpression(itemExpr)})${hint}`,
        itemExpr.pos,
      );
    }
    tests.push(comparisonEvaluator('=', value, item));
  }
  const n = tests.length;
  const matches: Evaluator = (row) => {
    for (let i = 0; i < n; i++) if (tests[i](row) === true) return true;
    return false;
  };
  return { expr: e, type: SqlTypes.BOOLEAN, evaluate: e.not ? (row) => !matches(row) : matches };
}

/** A LIKE pattern as an anchored regular expression: `%` any run, `_` one character, `escape` makes the next literal. */
export function likeToRegExp(pattern: string, escapeChar?: string): RegExp {
  let re = '';
  let escaped = false;
  for (const c of pattern) {
    if (escaped) {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      escaped = false;
    } else if (escapeChar !== undefined && c === escapeChar) escaped = true;
    else if (c === '%') re += '[^]*';
    else if (c === '_') re += '[^]';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'u');
}

function requireString(c: Compiled, e: Expression, what: string): void {
  if (c.type !== null && c.type.base !== 'STRING') {
    throw new KsqlError(
      `LIKE ${what} must be a STRING, but ${formatExpression(c.expr)} is ${formatSqlType(c.type)}`,
      e.pos,
    );
  }
}

/** `v [NOT] LIKE pattern [ESCAPE 'c']`; NULL when either side is NULL. A literal pattern compiles once. */
export function compileLike(e: ExpressionOf<'Like'>, ctx: CompileContext): Compiled {
  const value = ctx.compile(e.value);
  const pattern = ctx.compile(e.pattern);
  requireString(value, e, 'value');
  requireString(pattern, e, 'pattern');
  if (e.escape !== undefined && [...e.escape].length !== 1) {
    throw new KsqlError(`ESCAPE must be a single character, got '${e.escape}'`, e.pos);
  }
  const ve = value.evaluate;
  const not = e.not;
  let regexFor: (row: readonly unknown[]) => RegExp | null;
  if (pattern.constant) {
    const p = pattern.constant.value;
    const re = p === null ? null : likeToRegExp(p as string, e.escape);
    regexFor = () => re;
  } else {
    // a pattern from a column usually repeats: keep the last one compiled
    let lastText: string | undefined;
    let lastRe: RegExp | null = null;
    const pe = pattern.evaluate;
    regexFor = (row) => {
      const p = pe(row) as string | null;
      if (p === null) return null;
      if (p !== lastText) {
        lastRe = likeToRegExp(p, e.escape);
        lastText = p;
      }
      return lastRe;
    };
  }
  return {
    expr: e,
    type: SqlTypes.BOOLEAN,
    evaluate: (row) => {
      const v = ve(row);
      if (v === null) return null;
      const re = regexFor(row);
      if (re === null) return null;
      return re.test(v as string) !== not;
    },
  };
}
