import { KsqlError } from '../errors.js';
import type { Expression } from '../parser/ast.js';
import { formatSqlType, type SqlStructField, type SqlType, SqlTypes } from '../types/sql-type.js';
import { Decimal, decimalToType } from '../values/decimal.js';
import { javaDoubleToString } from '../values/java-number.js';
import { castConverter, identity, implicitConverter, parseSqlBooleanExact } from './cast.js';
import type { CompileContext, Compiled } from './context.js';
import { formatExpression } from './format-expression.js';
import { constant, decimalLiteralType } from './literals.js';
import { commonType, isNumeric, type MaybeType, widenNumbers } from './type-rules.js';

/**
 * The common type of a list of expressions the user wrote side by side — ARRAY[…] items, MAP
 * keys and values, an IN list with its value — as ksqlDB's CoercionUtil resolves it: the first
 * typed item sets the type; later items widen it (numbers), string literals are read as the
 * numbers or booleans they spell (`ARRAY[1, '2']`), other literals become strings where the
 * type is STRING, and nested ARRAY / MAP / STRUCT constructors are resolved item by item
 * (STRUCT constructors may name different fields: the type has all of them).
 */
const LITERAL_KINDS = new Set([
  'BooleanLiteral',
  'IntegerLiteral',
  'DecimalLiteral',
  'DoubleLiteral',
  'StringLiteral',
]);

function isLiteral(e: Expression): boolean {
  return LITERAL_KINDS.has(e.kind);
}

function invalidSyntax(value: string, target: SqlType, e: Expression): KsqlError {
  return new KsqlError(`invalid input syntax for type ${target.base}: "${value}".`, e.pos);
}

/**
 * A list item that cannot be coerced to the common type (ksqlDB's InvalidCoercionException):
 * a constructor whose item fails is reported as the whole constructor, outermost first.
 */
class CoercionError extends KsqlError {}

function noOperator(target: SqlType, source: SqlType, e: Expression): KsqlError {
  return new CoercionError(
    `operator does not exist: ${formatSqlType(target)} = ${formatSqlType(source)} (${formatExpression(e)})\nHint: You might need to add explicit type casts.`,
    e.pos,
  );
}

/** The number type a numeric string literal spells (CoercionUtil.getStringNumericType). */
function stringNumericType(text: string, target: SqlType, e: Expression): SqlType {
  let d: Decimal;
  try {
    d = Decimal.parse(text.trim());
  } catch {
    throw invalidSyntax(text, target, e);
  }
  if (!/[.eE]/.test(text) && d.scale === 0) {
    const v = d.unscaled;
    if (v > -2147483648n && v < 2147483647n) return SqlTypes.INTEGER;
    if (v > -9223372036854775808n && v < 9223372036854775807n) return SqlTypes.BIGINT;
  }
  return decimalLiteralType(d);
}

/** Widens `target` by one more item (CoercionUtil.resolveCommonType). */
export function resolve(target: SqlType, item: Compiled, ctx: CompileContext): SqlType {
  const e = item.expr;
  const t = item.type;
  if (t === null) return target;
  const isConstructor =
    e.kind === 'ArrayConstructor' || e.kind === 'MapConstructor' || e.kind === 'StructConstructor';
  if (!isConstructor) return resolveItem(target, e, t, ctx);
  try {
    return resolveItem(target, e, t, ctx);
  } catch (err) {
    // ksqlDB names the outermost constructor, with its whole type, not the inner item.
    if (err instanceof CoercionError) throw noOperator(target, t, e);
    throw err;
  }
}

function resolveItem(target: SqlType, e: Expression, t: SqlType, ctx: CompileContext): SqlType {
  switch (e.kind) {
    case 'ArrayConstructor': {
      if (target.base !== 'ARRAY') throw noOperator(target, t, e);
      let el: SqlType = target.element;
      for (const child of e.items) el = resolve(el, ctx.compile(child), ctx);
      return SqlTypes.array(el);
    }
    case 'MapConstructor': {
      if (target.base !== 'MAP') throw noOperator(target, t, e);
      let k: SqlType = target.key;
      let v: SqlType = target.value;
      for (const en of e.entries) {
        k = resolve(k, ctx.compile(en.key), ctx);
        v = resolve(v, ctx.compile(en.value), ctx);
      }
      return SqlTypes.map(k, v);
    }
    case 'StructConstructor': {
      if (target.base !== 'STRUCT') throw noOperator(target, t, e);
      const names = [...new Set([...e.fields.map((f) => f.name), ...target.fields.map((f) => f.name)])];
      const fields: SqlStructField[] = names.map((name) => {
        const src = e.fields.find((f) => f.name === name);
        const tgt = target.fields.find((f) => f.name === name);
        if (!src) return { name, type: (tgt as SqlStructField).type };
        const compiled = ctx.compile(src.value);
        if (!tgt) {
          if (compiled.type === null)
            throw new KsqlError(`Can't infer a type of null for field ${name}`, e.pos);
          return { name, type: compiled.type };
        }
        return { name, type: resolve(tgt.type, compiled, ctx) };
      });
      return SqlTypes.struct(fields);
    }
    case 'StringLiteral':
      if (isNumeric(target)) return widenNumbers(target, stringNumericType(e.value, target, e));
      if (target.base === 'BOOLEAN') {
        if (parseSqlBooleanExact(e.value) === undefined) throw invalidSyntax(e.value, target, e);
        return target;
      }
      if (target.base === 'DATE' || target.base === 'TIME' || target.base === 'TIMESTAMP') {
        try {
          (castConverter(SqlTypes.STRING, target) as (v: unknown) => unknown)(e.value);
        } catch {
          throw invalidSyntax(e.value, target, e);
        }
        return target;
      }
      break;
  }
  // A literal of another type may be written where a STRING is expected (LAX literal coercion).
  if (target.base === 'STRING' && isLiteral(e)) return target;
  const c = commonType(target, t);
  if (!c) throw noOperator(target, t, e);
  return c;
}

/** The text a literal stands for as a STRING. */
function literalText(e: Expression, value: unknown): string {
  switch (e.kind) {
    case 'DecimalLiteral':
      return e.text;
    case 'DoubleLiteral':
      return javaDoubleToString(e.value);
    default:
      return String(value);
  }
}

/** A literal's value as `target` (after `resolve` accepted it). */
function convertLiteral(item: Compiled, target: SqlType): unknown {
  const v = item.constant?.value ?? null;
  if (v === null) return null;
  const e = item.expr;
  if (target.base === 'STRING') return typeof v === 'string' ? v : literalText(e, v);
  if (typeof v === 'string') {
    if (target.base === 'BOOLEAN') return parseSqlBooleanExact(v) ?? null;
    if (target.base === 'DATE' || target.base === 'TIME' || target.base === 'TIMESTAMP') {
      return (castConverter(SqlTypes.STRING, target) as (x: unknown) => unknown)(v);
    }
    if (isNumeric(target)) {
      const d = Decimal.parse(v.trim());
      if (target.base === 'DECIMAL') return decimalToType(d, target.precision, target.scale);
      return d.toNumber();
    }
  }
  return implicitConverter(item.type, target)(v);
}

/** Compiles `e` so it evaluates to `target`, literals and constructors converted item by item. */
export function compileAs(
  e: Expression,
  target: SqlType,
  ctx: CompileContext,
  compiled?: Compiled,
): Compiled {
  const c = compiled ?? ctx.compile(e);
  if (c.type === null) return c;
  if (isLiteral(e)) return constant(e, target, convertLiteral(c, target));
  if (e.kind === 'ArrayConstructor' && target.base === 'ARRAY') {
    const evals = e.items.map((i) => compileAs(i, target.element, ctx).evaluate);
    const n = evals.length;
    return {
      expr: e,
      type: target,
      evaluate: (row) => {
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = evals[i](row);
        return out;
      },
    };
  }
  if (e.kind === 'MapConstructor' && target.base === 'MAP') {
    const ks = e.entries.map((en) => compileAs(en.key, target.key, ctx).evaluate);
    const vs = e.entries.map((en) => compileAs(en.value, target.value, ctx).evaluate);
    return {
      expr: e,
      type: target,
      evaluate: (row) => {
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < ks.length; i++) m.set(ks[i](row), vs[i](row));
        return m;
      },
    };
  }
  if (e.kind === 'StructConstructor' && target.base === 'STRUCT') {
    const plan = target.fields.map((f) => {
      const src = e.fields.find((s) => s.name === f.name);
      return { name: f.name, ev: src ? compileAs(src.value, f.type, ctx).evaluate : () => null };
    });
    return {
      expr: e,
      type: target,
      evaluate: (row) => {
        const o: Record<string, unknown> = {};
        for (const p of plan) o[p.name] = p.ev(row);
        return o;
      },
    };
  }
  const conv = implicitConverter(c.type, target);
  const ev = c.evaluate;
  return { expr: e, type: target, evaluate: conv === identity ? ev : (row) => conv(ev(row)) };
}

/** Resolves the list's common type and compiles each item to it (NULL type when all are NULL). */
export function coerceList(
  items: readonly Compiled[],
  ctx: CompileContext,
): { type: MaybeType; compiled: Compiled[] } {
  let type: MaybeType = null;
  for (const item of items) type = type === null ? item.type : resolve(type, item, ctx);
  if (type === null) return { type, compiled: [...items] };
  const to = type;
  return { type, compiled: items.map((item) => compileAs(item.expr, to, ctx, item)) };
}
