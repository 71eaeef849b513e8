import { KsqlError } from '../errors.js';
import type { Expression, ExpressionOf } from '../parser/ast.js';
import { formatSqlType, type SqlType, SqlTypes } from '../types/sql-type.js';
import type { CompileContext, Compiled, Evaluator } from './context.js';
import { formatExpression } from './format-expression.js';
import { constant } from './literals.js';
import { comparisonEvaluator, isValidComparison } from './comparison.js';
import { coerceList } from './list-coercion.js';

/**
 * `v [NOT] IN (a, b, …)`: TRUE when v equals an item; FALSE when v is NULL or nothing matches.
 * The value and the items are coerced to one type as ksqlDB does (`INT_COL IN (1, '2')`,
 * `STR_COL IN (true, 10.30)`, constructors item by item); a string literal that does not parse
 * as the type is a statement error.
 */
export function compileInList(e: ExpressionOf<'InList'>, ctx: CompileContext): Compiled {
  const value = ctx.compile(e.value);
  if (value.type === null) return constant(e, SqlTypes.BOOLEAN, e.not);
  const items = e.list.map((i) => ctx.compile(i)).filter((c) => c.type !== null); // NULL never matches
  const { type, compiled } = coerceList([value, ...items], ctx);
  const [v, ...rest] = compiled;
  const tests: Evaluator[] = rest.map((item) => {
    if (!isValidComparison(type as SqlType, '=', item.type as SqlType)) {
      throw new KsqlError(
        `operator does not exist: ${formatSqlType(type as SqlType)} = ${formatSqlType(item.type as SqlType)} (${formatExpression(item.expr)})`,
        item.expr.pos,
      );
    }
    return comparisonEvaluator('=', v, item);
  });
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
