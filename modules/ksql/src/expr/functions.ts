import { KsqlError } from '../errors.js';
import {
  alternativesText,
  type BoundCall,
  type ParamType,
  type ScalarFunction,
  type ScalarVariant,
} from '../function/scalar/scalar-function.js';
import type { Expression, ExpressionOf } from '../parser/ast.js';
import { formatSqlType, type SqlType, SqlTypes, sqlTypeEquals } from '../types/sql-type.js';
import { type Converter, castConverter, identity, implicitConverter } from './cast.js';
import { EvaluationError } from './compiled.js';
import type { CompileContext, Compiled, Evaluator, LambdaVariable } from './context.js';
import { formatExpression } from './format-expression.js';
import { canWidenNumber, commonType, isNumeric, type MaybeType, toDecimalType } from './type-rules.js';

/**
 * Function calls: resolves the variant of a scalar function for the argument types (the exact
 * match, else the one variant reached by number widening; generics take the common type of
 * their arguments), compiles lambda arguments with their parameters in a child scope, and binds
 * the implementation once. Aggregate functions are the planner's; seeing one here is an error.
 */
type Arg =
  | { readonly kind: 'value'; readonly compiled: Compiled }
  | { readonly kind: 'lambda'; readonly expr: ExpressionOf<'Lambda'> }
  | { readonly kind: 'unit'; readonly unit: string };

const NO_MATCH = -1;

function matchParam(p: ParamType, arg: Arg, generics: Map<string, SqlType>): number {
  if (p.kind === 'lambda')
    return arg.kind === 'lambda' && arg.expr.params.length === p.params.length ? 0 : NO_MATCH;
  if (p.kind === 'intervalUnit') return arg.kind === 'unit' ? 0 : NO_MATCH;
  if (arg.kind !== 'value') return NO_MATCH;
  // A string literal may be written for a DATE, TIME or TIMESTAMP parameter (GREATEST(d, '2021-01-01')).
  const c = arg.compiled;
  if (
    p.kind === 'exact' &&
    (p.type.base === 'DATE' || p.type.base === 'TIME' || p.type.base === 'TIMESTAMP') &&
    c.type?.base === 'STRING' &&
    typeof c.constant?.value === 'string'
  ) {
    return 1;
  }
  return matchType(p, c.type, generics);
}

function matchType(p: ParamType, t: MaybeType, generics: Map<string, SqlType>): number {
  if (t === null) return 0;
  switch (p.kind) {
    case 'exact':
      if (sqlTypeEquals(p.type, t) || (p.type.base === t.base && p.type.base !== 'DECIMAL')) return 0;
      if (isNumeric(t) && isNumeric(p.type) && canWidenNumber(t.base, p.type.base))
        return rankGap(t.base, p.type.base);
      return NO_MATCH;
    case 'base':
      if (p.base === t.base) return 0;
      if (p.base === 'DECIMAL' && (t.base === 'INTEGER' || t.base === 'BIGINT'))
        return rankGap(t.base, 'DECIMAL');
      return NO_MATCH;
    case 'generic': {
      const bound = generics.get(p.name);
      if (!bound) {
        generics.set(p.name, t);
        return 0;
      }
      if (sqlTypeEquals(bound, t)) return 0;
      // The generic widens to the common type of its arguments (ARRAY_CONTAINS(bigints, 1),
      // COALESCE(decimal(2,1), decimal(3,2))); each argument converts to it after resolution.
      const common = commonType(bound, t);
      if (!common) return NO_MATCH;
      generics.set(p.name, common);
      return 1;
    }
    case 'array':
      return t.base === 'ARRAY' ? matchType(p.element, t.element, generics) : NO_MATCH;
    case 'map': {
      if (t.base !== 'MAP') return NO_MATCH;
      const k = matchType(p.key, t.key, generics);
      const v = matchType(p.value, t.value, generics);
      return k < 0 || v < 0 ? NO_MATCH : k + v;
    }
    default:
      return NO_MATCH;
  }
}

const RANK: Record<string, number> = { INTEGER: 0, BIGINT: 1, DECIMAL: 2, DOUBLE: 3 };
function rankGap(from: string, to: string): number {
  return (RANK[to] ?? 0) - (RANK[from] ?? 0);
}

/** A parameter type with its generics substituted; undefined when a generic is not bound. */
export function resolveParamType(
  p: ParamType,
  generics: ReadonlyMap<string, SqlType>,
  arg?: MaybeType,
): SqlType | undefined {
  switch (p.kind) {
    case 'exact':
      return p.type;
    case 'base':
      if (arg === null || arg === undefined) return undefined;
      return p.base === 'DECIMAL' && arg.base !== 'DECIMAL' ? toDecimalType(arg) : arg;
    case 'generic':
      return generics.get(p.name);
    case 'array': {
      const el = resolveParamType(p.element, generics, arg?.base === 'ARRAY' ? arg.element : undefined);
      return el ? SqlTypes.array(el) : undefined;
    }
    case 'map': {
      const k = resolveParamType(p.key, generics, arg?.base === 'MAP' ? arg.key : undefined);
      const v = resolveParamType(p.value, generics, arg?.base === 'MAP' ? arg.value : undefined);
      return k && v ? SqlTypes.map(k, v) : undefined;
    }
    default:
      return undefined;
  }
}

function paramAt(v: ScalarVariant, i: number): ParamType {
  return v.variadic && i >= v.params.length - 1 ? v.params[v.params.length - 1] : v.params[i];
}

function arityFits(v: ScalarVariant, n: number): boolean {
  return v.variadic ? n >= v.params.length - 1 : n === v.params.length;
}

function argTypeText(a: Arg): string {
  if (a.kind === 'lambda') return 'LAMBDA';
  if (a.kind === 'unit') return 'INTERVALUNIT';
  return a.compiled.type ? formatSqlType(a.compiled.type) : 'null';
}

/**
 * Picks the variant for the arguments as ksqlDB's UDF index does: the exact match (every
 * argument of its parameter's type; a NULL fits any) wins; otherwise the one variant the
 * arguments convert to implicitly; several such variants are ambiguous (GREATEST(INTEGER,
 * BIGINT) could be the BIGINT, DECIMAL or DOUBLE one, GREATEST(NULL, NULL) any).
 */
function selectVariant(
  fn: ScalarFunction,
  args: readonly Arg[],
  e: Expression,
): { variant: ScalarVariant; generics: Map<string, SqlType> } {
  const hasNull = args.some((a) => a.kind === 'value' && a.compiled.type === null);
  const candidates: { variant: ScalarVariant; generics: Map<string, SqlType>; cost: number }[] = [];
  for (const variant of fn.variants) {
    if (!arityFits(variant, args.length)) continue;
    const generics = new Map<string, SqlType>();
    let cost = 0;
    for (let i = 0; i < args.length && cost >= 0; i++) {
      const c = matchParam(paramAt(variant, i), args[i], generics);
      cost = c < 0 ? NO_MATCH : cost + c;
    }
    if (cost >= 0) candidates.push({ variant, generics, cost });
  }
  const name = fn.displayName ?? fn.name;
  const argText = args.map(argTypeText).join(', ');
  if (candidates.length === 0) {
    throw new KsqlError(
      `Function '${name}' does not accept parameters (${argText}).\nValid alternatives are:\n${alternativesText(fn)}`,
      e.pos,
    );
  }
  // NULL arguments match any parameter: they cannot tell variants apart, the others must
  const exact = candidates.filter((c) => c.cost === 0);
  if (exact.length === 1 || (exact.length > 1 && !hasNull)) return exact[0];
  if (candidates.length > 1) {
    throw new KsqlError(
      `Function '${name}' cannot be resolved due to ambiguous method parameters (${argText}).`,
      e.pos,
    );
  }
  return candidates[0];
}

function evaluationFailure(fnName: string, e: Expression, err: unknown): EvaluationError {
  if (err instanceof EvaluationError) return err;
  return new EvaluationError(
    `Error computing function ${fnName}: ${(err as Error)?.message ?? String(err)}`,
    e.pos,
    { cause: err },
  );
}

export function compileFunctionCall(e: ExpressionOf<'FunctionCall'>, ctx: CompileContext): Compiled {
  const fn = ctx.functions?.getScalar(e.name.toUpperCase());
  if (!fn) {
    if (ctx.functions?.isAggregate?.(e.name)) {
      // The planner replaces aggregate calls before compiling; one left here is misplaced.
      throw new KsqlError(`Aggregate function ${e.name} is not allowed here: ${formatExpression(e)}`, e.pos);
    }
    throw new KsqlError(`Can't find any functions with the name '${e.name}'`, e.pos);
  }
  // COUNT(*) style on a scalar function: ksqlDB reports it as no parameters
  if (e.star)
    throw new KsqlError(`Function '${fn.displayName ?? fn.name}' does not accept parameters ().`, e.pos);
  const exprs = [...e.args, ...(e.lambdas ?? [])];
  const args: Arg[] = exprs.map((a) =>
    a.kind === 'Lambda'
      ? { kind: 'lambda', expr: a }
      : a.kind === 'IntervalUnit'
        ? { kind: 'unit', unit: a.unit }
        : { kind: 'value', compiled: ctx.compile(a) },
  );
  const { variant, generics } = selectVariant(fn, args, e);

  // The row being evaluated, for lambda bodies (set by this call before the implementation runs).
  const rowSlot: { value: readonly unknown[] } = { value: [] };
  const evals: Evaluator[] = [];
  const argTypes: (SqlType | null)[] = [];
  const constants: ({ value: unknown } | undefined)[] = [];
  const skipNullCheck: boolean[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const p = paramAt(variant, i);
    if (a.kind === 'unit') {
      const unit = a.unit;
      evals.push(() => unit);
      argTypes.push(null);
      constants.push({ value: unit });
      skipNullCheck.push(true);
      continue;
    }
    if (a.kind === 'lambda') {
      if (p.kind !== 'lambda') throw new KsqlError(`Unexpected lambda argument to ${fn.name}`, a.expr.pos);
      const fnValue = compileLambda(a.expr, p, generics, ctx, rowSlot, fn.name);
      evals.push(() => fnValue);
      argTypes.push(null);
      constants.push(undefined);
      skipNullCheck.push(true);
      continue;
    }
    const c = a.compiled;
    const target = resolveParamType(p, generics, c.type);
    let conv: Converter = identity;
    if (target && c.type !== null) {
      try {
        // a date/time string literal for a temporal parameter is parsed (matchParam allowed it)
        const literalTemporal =
          c.constant !== undefined &&
          c.type.base === 'STRING' &&
          (target.base === 'DATE' || target.base === 'TIME' || target.base === 'TIMESTAMP');
        conv = literalTemporal
          ? (castConverter(c.type, target) as Converter)
          : implicitConverter(c.type, target);
      } catch {
        throw new KsqlError(
          `Function '${fn.displayName ?? fn.name}' does not accept parameters (${args.map(argTypeText).join(', ')}).`,
          e.pos,
        );
      }
    }
    const ev = c.evaluate;
    argTypes.push(c.type === null ? null : (target ?? c.type));
    if (c.constant) {
      // a literal converts once, here (a date string for a DATE parameter is parsed now)
      let value: unknown;
      try {
        value = conv(c.constant.value);
      } catch (err) {
        throw new KsqlError(
          `Invalid argument ${formatExpression(c.expr)} to ${fn.displayName ?? fn.name}: ${(err as Error).message}`,
          c.expr.pos,
        );
      }
      evals.push(() => value);
      constants.push({ value });
    } else {
      evals.push(conv === identity ? ev : (row) => conv(ev(row)));
      constants.push(undefined);
    }
    skipNullCheck.push(false);
  }
  const call: BoundCall = { argTypes, generics, constants, position: e.pos };
  const returnType = resolveReturn(variant, call, e);
  let impl: (args: unknown[]) => unknown;
  try {
    impl = variant.implement(call);
  } catch (err) {
    if (err instanceof KsqlError) throw err;
    throw new KsqlError(`Invalid arguments to ${fn.name}: ${(err as Error).message}`, e.pos);
  }
  const n = evals.length;
  const strict = variant.nulls !== 'pass';
  const name = fn.name;
  const onError = ctx.onError;
  return {
    expr: e,
    type: returnType,
    evaluate: (row) => {
      const values = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const v = evals[i](row);
        if (v === null && strict && !skipNullCheck[i]) return null;
        values[i] = v;
      }
      rowSlot.value = row;
      try {
        const out = impl(values);
        return out === undefined ? null : out;
      } catch (err) {
        // ksqlDB's nested error handling: a failing function is logged and evaluates to NULL
        onError(evaluationFailure(name, e, err));
        return null;
      }
    },
  };
}

function resolveReturn(variant: ScalarVariant, call: BoundCall, e: Expression): SqlType {
  const r = variant.returns;
  let t: SqlType | undefined;
  if (typeof r === 'function') t = r(call);
  else if ('kind' in r) t = resolveParamType(r, call.generics);
  else t = r;
  if (!t) {
    throw new KsqlError(
      `Can't infer a type of null in ${formatExpression(e)}. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).`,
      e.pos,
    );
  }
  return t;
}

/**
 * A lambda argument as a JS function the implementation calls: its parameters are typed from
 * the bound generics, written to slots its body reads, and its body is compiled once in a
 * child scope where the parameters shadow columns. Its result type binds the lambda's return
 * generic (or converts to it when already bound, e.g. REDUCE's state).
 */
function compileLambda(
  lambda: ExpressionOf<'Lambda'>,
  p: Extract<ParamType, { kind: 'lambda' }>,
  generics: Map<string, SqlType>,
  ctx: CompileContext,
  rowSlot: { value: readonly unknown[] },
  fnName: string,
): (...vals: unknown[]) => unknown {
  const vars = new Map<string, LambdaVariable>();
  const slots: { value: unknown }[] = [];
  lambda.params.forEach((name, i) => {
    const type = resolveParamType(p.params[i], generics);
    if (!type)
      throw new KsqlError(`Cannot resolve the type of lambda parameter ${name} of ${fnName}`, lambda.pos);
    const slot = { value: null as unknown };
    slots.push(slot);
    vars.set(name, { type, slot });
  });
  const body = ctx.withLambdaVars(vars).compile(lambda.body);
  let conv: Converter = identity;
  if (p.returns.kind === 'generic') {
    const bound = generics.get(p.returns.name);
    if (!bound) {
      if (body.type === null)
        throw new KsqlError(`Can't infer the type of the lambda ${formatExpression(lambda)}`, lambda.pos);
      generics.set(p.returns.name, body.type);
    } else if (body.type !== null && !sqlTypeEquals(bound, body.type)) {
      try {
        conv = implicitConverter(body.type, bound);
      } catch {
        throw new KsqlError(
          `Lambda ${formatExpression(lambda)} of ${fnName} returns ${formatSqlType(body.type)}, but ${formatSqlType(bound)} is required.`,
          lambda.pos,
        );
      }
    }
  } else {
    const want = resolveParamType(p.returns, generics);
    if (want && body.type !== null && !sqlTypeEquals(want, body.type)) {
      throw new KsqlError(
        `Lambda ${formatExpression(lambda)} of ${fnName} returns ${formatSqlType(body.type)}, but ${formatSqlType(want)} is required.`,
        lambda.pos,
      );
    }
  }
  const ev = body.evaluate;
  const n = slots.length;
  if (n === 1) {
    const s0 = slots[0];
    return (a) => {
      s0.value = a ?? null;
      return conv(ev(rowSlot.value));
    };
  }
  return (...vals) => {
    for (let i = 0; i < n; i++) slots[i].value = vals[i] ?? null;
    return conv(ev(rowSlot.value));
  };
}
