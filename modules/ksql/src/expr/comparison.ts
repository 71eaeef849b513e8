import { KsqlError } from '../errors.js';
import type { ComparisonOperator, Expression, ExpressionOf } from '../parser/ast.js';
import { formatSqlType, type SqlType, SqlTypes } from '../types/sql-type.js';
import { MS_PER_DAY, parseDate, parseTime, parseTimestamp } from '../values/temporal.js';
import { identity, implicitConverter, type Converter } from './cast.js';
import { EvaluationError } from './compiled.js';
import type { CompileContext, Compiled, Evaluator } from './context.js';
import { formatExpression } from './format-expression.js';
import { isNumeric, widenNumbers } from './type-rules.js';
import { compareValues, valuesEqual } from './value-compare.js';

/**
 * Comparisons (=, <>, <, <=, >, >=, IS [NOT] DISTINCT FROM, BETWEEN) with ksqlDB's rules
 * (ComparisonUtil): numbers with numbers (widened), strings with strings, DATE/TIMESTAMP with
 * each other and with strings (parsed), TIME with TIME or strings, BOOLEAN, ARRAY, MAP, STRUCT
 * for equality only, BYTES with BYTES. As in ksqlDB, a comparison with a NULL operand is FALSE.
 */

export type ComparisonKind = ComparisonOperator | 'DISTINCT' | 'NOT_DISTINCT';

const OP_NAMES: Record<ComparisonKind, string> = {
  '=': 'EQUAL',
  '<>': 'NOT_EQUAL',
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_OR_EQUAL',
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_OR_EQUAL',
  DISTINCT: 'IS_DISTINCT_FROM',
  NOT_DISTINCT: 'IS_NOT_DISTINCT_FROM',
};

const OP_SYMBOLS: Record<ComparisonKind, string> = {
  '=': '=',
  '<>': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  DISTINCT: 'IS DISTINCT FROM',
  NOT_DISTINCT: 'IS NOT DISTINCT FROM',
};

function isEquality(op: ComparisonKind): boolean {
  return op === '=' || op === '<>' || op === 'DISTINCT' || op === 'NOT_DISTINCT';
}

/** ComparisonUtil.isValidComparison. */
export function isValidComparison(left: SqlType, op: ComparisonKind, right: SqlType): boolean {
  if (isNumeric(left)) return isNumeric(right);
  switch (left.base) {
    case 'STRING':
      return (
        right.base === 'STRING' ||
        right.base === 'DATE' ||
        right.base === 'TIME' ||
        right.base === 'TIMESTAMP'
      );
    case 'BOOLEAN':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return right.base === left.base && isEquality(op);
    case 'TIME':
      return right.base === 'TIME' || right.base === 'STRING';
    case 'DATE':
    case 'TIMESTAMP':
      return right.base === 'DATE' || right.base === 'TIMESTAMP' || right.base === 'STRING';
    case 'BYTES':
      return right.base === 'BYTES';
    default:
      return false;
  }
}

/**
 * ROWTIME, WINDOWSTART and WINDOWEND are BIGINT milliseconds, yet ksqlDB lets them be compared
 * with timestamp strings (`WHERE ROWTIME > '2021-01-01T10:00'`, its "magic" pseudo-timestamp
 * rewrite): the string is read as a timestamp, partial or with a zone offset, UTC otherwise.
 */
const TIMESTAMP_PSEUDO_COLUMNS = new Set(['ROWTIME', 'WINDOWSTART', 'WINDOWEND']);

function isTimestampPseudoColumn(c: Compiled): boolean {
  return (
    c.expr.kind === 'ColumnRef' && TIMESTAMP_PSEUDO_COLUMNS.has(c.expr.name) && c.type?.base === 'BIGINT'
  );
}

function isMagicTimestampPair(a: Compiled, b: Compiled): boolean {
  return (
    (isTimestampPseudoColumn(a) && b.type?.base === 'STRING') ||
    (isTimestampPseudoColumn(b) && a.type?.base === 'STRING')
  );
}

function stringToTemporal(type: SqlType, e: Expression): Converter {
  const parse = type.base === 'DATE' ? parseDate : type.base === 'TIME' ? parseTime : parseTimestamp;
  return (v) => {
    if (v === null) return null;
    try {
      return parse(v as string);
    } catch (err) {
      throw new EvaluationError((err as Error).message, e.pos, { cause: err });
    }
  };
}

/**
 * The type both sides are compared as, and the converters taking each side to it. Strings
 * compared with temporal values are parsed; DATE compared with TIMESTAMP becomes a timestamp.
 */
export function comparisonOperands(
  left: Compiled,
  right: Compiled,
): { type: SqlType; l: Converter; r: Converter } {
  const lt = left.type as SqlType;
  const rt = right.type as SqlType;
  if (isMagicTimestampPair(left, right)) {
    const toTs = stringToTemporal(SqlTypes.TIMESTAMP, lt.base === 'STRING' ? left.expr : right.expr);
    return {
      type: SqlTypes.BIGINT,
      l: lt.base === 'STRING' ? toTs : identity,
      r: rt.base === 'STRING' ? toTs : identity,
    };
  }
  if (isNumeric(lt) && isNumeric(rt)) {
    const type = widenNumbers(lt, rt);
    return { type, l: implicitConverter(lt, type), r: implicitConverter(rt, type) };
  }
  const temporal = (t: SqlType): boolean => t.base === 'DATE' || t.base === 'TIME' || t.base === 'TIMESTAMP';
  if (temporal(lt) || temporal(rt)) {
    if (lt.base === rt.base) return { type: lt, l: identity, r: identity };
    if (lt.base === 'STRING') return { type: rt, l: stringToTemporal(rt, left.expr), r: identity };
    if (rt.base === 'STRING') return { type: lt, l: identity, r: stringToTemporal(lt, right.expr) };
    const dateToTs: Converter = (v) => (v === null ? null : (v as number) * MS_PER_DAY);
    return {
      type: SqlTypes.TIMESTAMP,
      l: lt.base === 'DATE' ? dateToTs : identity,
      r: rt.base === 'DATE' ? dateToTs : identity,
    };
  }
  if (lt.base === 'ARRAY' || lt.base === 'MAP' || lt.base === 'STRUCT') {
    // Equality of complex values is deep and by value (numbers of different widths are equal
    // when their values are), so no element conversion is needed.
    return { type: lt, l: identity, r: identity };
  }
  return { type: lt, l: identity, r: identity };
}

/**
 * ksqlDB's comparison checks throw a KsqlStatementException about the comparison itself, so their
 * message ends with `\nStatement: (A = B)`, the comparison as ExpressionFormatter prints it.
 */
function statementOf(e: Expression): string {
  return `\nStatement: ${formatExpression(e)}`;
}

export function checkComparison(e: Expression, left: Compiled, op: ComparisonKind, right: Compiled): void {
  if (left.type === null || right.type === null) {
    const name = (t: SqlType | null): string => (t === null ? 'NULL' : t.base);
    throw new KsqlError(
      `Comparison with NULL not supported: ${name(left.type)} ${OP_SYMBOLS[op]} ${name(right.type)}\nUse 'IS NULL' or 'IS NOT NULL' instead.${statementOf(e)}`,
      e.pos,
    );
  }
  if (!isValidComparison(left.type, op, right.type) && !isMagicTimestampPair(left, right)) {
    throw new KsqlError(
      `Cannot compare ${formatExpression(left.expr)} (${formatSqlType(left.type)}) to ${formatExpression(right.expr)} (${formatSqlType(right.type)}) with ${OP_NAMES[op]}.${statementOf(e)}`,
      e.pos,
    );
  }
}

function withConverter(ev: Evaluator, conv: Converter): Evaluator {
  return conv === identity ? ev : (row) => conv(ev(row));
}

/** A predicate on two non-null, converted values. */
function predicate(op: ComparisonOperator, type: SqlType): (a: unknown, b: unknown) => boolean {
  const orderable = !(type.base === 'ARRAY' || type.base === 'MAP' || type.base === 'STRUCT');
  const simple =
    type.base === 'INTEGER' ||
    type.base === 'BIGINT' ||
    type.base === 'DOUBLE' ||
    type.base === 'STRING' ||
    type.base === 'DATE' ||
    type.base === 'TIME' ||
    type.base === 'TIMESTAMP';
  switch (op) {
    case '=':
      return simple ? (a, b) => a === b : valuesEqual;
    case '<>':
      return simple ? (a, b) => a !== b : (a, b) => !valuesEqual(a, b);
    case '<':
      return simple
        ? (a, b) => (a as number) < (b as number)
        : orderable
          ? (a, b) => compareValues(a, b) < 0
          : () => false;
    case '<=':
      return simple ? (a, b) => (a as number) <= (b as number) : (a, b) => compareValues(a, b) <= 0;
    case '>':
      return simple ? (a, b) => (a as number) > (b as number) : (a, b) => compareValues(a, b) > 0;
    case '>=':
      return simple ? (a, b) => (a as number) >= (b as number) : (a, b) => compareValues(a, b) >= 0;
  }
}

/** Compiles `left op right` (both already compiled and checked) into a NULL → FALSE evaluator. */
export function comparisonEvaluator(op: ComparisonOperator, left: Compiled, right: Compiled): Evaluator {
  const { type, l, r } = comparisonOperands(left, right);
  const le = withConverter(left.evaluate, l);
  const re = withConverter(right.evaluate, r);
  const test = predicate(op, type);
  return (row) => {
    const a = le(row);
    if (a === null) return false;
    const b = re(row);
    if (b === null) return false;
    return test(a, b);
  };
}

export function compileComparison(e: ExpressionOf<'Comparison'>, ctx: CompileContext): Compiled {
  const left = ctx.compile(e.left);
  const right = ctx.compile(e.right);
  checkComparison(e, left, e.op, right);
  return { expr: e, type: SqlTypes.BOOLEAN, evaluate: comparisonEvaluator(e.op, left, right) };
}

/** `a IS [NOT] DISTINCT FROM b`: NULL-safe equality (two NULLs are not distinct). */
export function compileIsDistinctFrom(e: ExpressionOf<'IsDistinctFrom'>, ctx: CompileContext): Compiled {
  const left = ctx.compile(e.left);
  const right = ctx.compile(e.right);
  const op: ComparisonKind = e.not ? 'NOT_DISTINCT' : 'DISTINCT';
  let equal: Evaluator;
  if (left.type === null || right.type === null) {
    // NULL IS DISTINCT FROM x: distinct exactly when x is not NULL.
    const other = left.type === null ? right.evaluate : left.evaluate;
    equal = left.type === null && right.type === null ? () => true : (row) => other(row) === null;
  } else {
    checkComparison(e, left, op, right);
    const { type, l, r } = comparisonOperands(left, right);
    const le = withConverter(left.evaluate, l);
    const re = withConverter(right.evaluate, r);
    const eq = predicate('=', type);
    equal = (row) => {
      const a = le(row);
      const b = re(row);
      if (a === null || b === null) return a === b;
      return eq(a, b);
    };
  }
  return { expr: e, type: SqlTypes.BOOLEAN, evaluate: e.not ? equal : (row) => !equal(row) };
}

/** `v [NOT] BETWEEN lo AND hi` is `v >= lo AND v <= hi` (FALSE when any is NULL), negated for NOT. */
export function compileBetween(e: ExpressionOf<'Between'>, ctx: CompileContext): Compiled {
  const value = ctx.compile(e.value);
  const lower = ctx.compile(e.lower);
  const upper = ctx.compile(e.upper);
  checkComparison(e, value, '>=', lower);
  checkComparison(e, value, '<=', upper);
  const ge = comparisonEvaluator('>=', value, lower);
  const le = comparisonEvaluator('<=', value, upper);
  const between: Evaluator = (row) => (ge(row) as boolean) && (le(row) as boolean);
  return { expr: e, type: SqlTypes.BOOLEAN, evaluate: e.not ? (row) => !between(row) : between };
}
