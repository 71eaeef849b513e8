import { KsqlError } from '../errors.js';
import type { ExpressionOf } from '../parser/ast.js';
import { type SqlDecimalType, type SqlType, SqlTypes } from '../types/sql-type.js';
import {
  type Decimal,
  DecimalArithmeticError,
  decimalAdd,
  decimalDivide,
  decimalMultiply,
  decimalNegate,
  decimalRemainder,
  decimalSubtract,
  setScale,
} from '../values/decimal.js';
import { identity, implicitConverter } from './cast.js';
import { EvaluationError } from './compiled.js';
import type { CompileContext, Compiled, Evaluator } from './context.js';
import { formatExpression } from './format-expression.js';
import { type ArithmeticOp, arithmeticResultType, toDecimalType } from './type-rules.js';

type Binary<T> = (a: T, b: T) => unknown;

function divByZero(e: Compiled['expr']): never {
  throw new EvaluationError('/ by zero', e.pos);
}

function integerOp(op: ArithmeticOp, e: Compiled['expr']): Binary<number> {
  switch (op) {
    case '+':
      return (a, b) => (a + b) | 0;
    case '-':
      return (a, b) => (a - b) | 0;
    case '*':
      return (a, b) => Math.imul(a, b);
    case '/':
      return (a, b) => (b === 0 ? divByZero(e) : (a / b) | 0);
    case '%':
      return (a, b) => (b === 0 ? divByZero(e) : (a % b) | 0);
  }
}

/** BIGINT is a JS number: exact to 2^53, no 64-bit wrap (documented limitation). */
function bigintOp(op: ArithmeticOp, e: Compiled['expr']): Binary<number> {
  switch (op) {
    case '+':
      return (a, b) => a + b;
    case '-':
      return (a, b) => a - b;
    case '*':
      return (a, b) => a * b;
    case '/':
      return (a, b) => (b === 0 ? divByZero(e) : Math.trunc(a / b));
    case '%':
      return (a, b) => (b === 0 ? divByZero(e) : a % b);
  }
}

/** Java double arithmetic: x / 0.0 is ±Infinity or NaN, % is fmod — JS behaves the same. */
function doubleOp(op: ArithmeticOp): Binary<number> {
  switch (op) {
    case '+':
      return (a, b) => a + b;
    case '-':
      return (a, b) => a - b;
    case '*':
      return (a, b) => a * b;
    case '/':
      return (a, b) => a / b;
    case '%':
      return (a, b) => a % b;
  }
}

/**
 * DECIMAL arithmetic at the result type's scale: exact for + - * %, and for / exact or failing —
 * ksqlDB divides with MathContext(precision, UNNECESSARY), so a quotient needing rounding (1 / 3)
 * is an error on that row, not a rounded value.
 */
function decimalOp(op: ArithmeticOp, type: SqlDecimalType, e: Compiled['expr']): Binary<Decimal> {
  const scale = type.scale;
  const wrap =
    (f: Binary<Decimal>): Binary<Decimal> =>
    (a, b) => {
      try {
        return f(a, b);
      } catch (err) {
        if (err instanceof DecimalArithmeticError)
          throw new EvaluationError(err.message, e.pos, { cause: err });
        throw err;
      }
    };
  switch (op) {
    case '+':
      return (a, b) => setScale(decimalAdd(a, b), scale);
    case '-':
      return (a, b) => setScale(decimalSubtract(a, b), scale);
    case '*':
      return (a, b) => setScale(decimalMultiply(a, b), scale);
    case '/':
      return wrap((a, b) => decimalDivide(a, b, scale));
    case '%':
      return wrap((a, b) => setScale(decimalRemainder(a, b), scale));
  }
}

function binary(l: Evaluator, r: Evaluator, f: Binary<never>, onNull: (() => never) | undefined): Evaluator {
  if (onNull) {
    return (row) => {
      const a = l(row);
      const b = r(row);
      if (a === null || b === null) return onNull();
      return f(a as never, b as never);
    };
  }
  return (row) => {
    const a = l(row);
    if (a === null) return null;
    const b = r(row);
    if (b === null) return null;
    return f(a as never, b as never);
  };
}

/**
 * Inside a lambda body ksqlDB's generated Java unboxes the operands, so arithmetic on a NULL
 * fails and the lambda function's result is NULL (TRANSFORM(ARRAY[1, NULL], x => x + 1) is
 * NULL, not [2, NULL]). Elsewhere NULL propagates. The error is built once, at compile time.
 */
function nullOperandFailure(e: Compiled['expr'], ctx: CompileContext): (() => never) | undefined {
  if (ctx.lambdaVars.size === 0) return undefined;
  const error = new EvaluationError(`Arithmetic on NULL in lambda: ${formatExpression(e)}`, e.pos);
  return () => {
    throw error;
  };
}

function converted(c: Compiled, to: SqlType): Evaluator {
  const conv = implicitConverter(c.type, to);
  const ev = c.evaluate;
  return conv === identity ? ev : (row) => conv(ev(row));
}

function arithmeticError(e: ExpressionOf<'Arithmetic'>, detail: string): KsqlError {
  return new KsqlError(`Error processing expression: ${formatExpression(e)}. ${detail}`, e.pos);
}

export function compileArithmetic(e: ExpressionOf<'Arithmetic'>, ctx: CompileContext): Compiled {
  const l = ctx.compile(e.left);
  const r = ctx.compile(e.right);
  if (l.type === null || r.type === null) {
    const name = (t: SqlType | null): string => (t === null ? 'null' : t.base);
    throw arithmeticError(e, `Arithmetic on types ${name(l.type)} and ${name(r.type)} are not supported.`);
  }
  const onNull = nullOperandFailure(e, ctx);
  if (e.op === '+' && l.type.base === 'STRING' && r.type.base === 'STRING') {
    return {
      expr: e,
      type: SqlTypes.STRING,
      evaluate: binary(l.evaluate, r.evaluate, ((a: string, b: string) => a + b) as Binary<never>, onNull),
    };
  }
  const type = arithmeticResultType(e.op, l.type, r.type);
  if (!type) throw arithmeticError(e, `Unsupported arithmetic types. ${l.type.base} ${r.type.base}`);
  switch (type.base) {
    case 'DECIMAL': {
      const lt = toDecimalType(l.type);
      const rt = toDecimalType(r.type);
      return {
        expr: e,
        type,
        evaluate: binary(
          converted(l, lt),
          converted(r, rt),
          decimalOp(e.op, type as SqlDecimalType, e) as Binary<never>,
          onNull,
        ),
      };
    }
    case 'DOUBLE':
      return {
        expr: e,
        type,
        evaluate: binary(converted(l, type), converted(r, type), doubleOp(e.op) as Binary<never>, onNull),
      };
    case 'BIGINT':
      return {
        expr: e,
        type,
        evaluate: binary(l.evaluate, r.evaluate, bigintOp(e.op, e) as Binary<never>, onNull),
      };
    default:
      return {
        expr: e,
        type,
        evaluate: binary(l.evaluate, r.evaluate, integerOp(e.op, e) as Binary<never>, onNull),
      };
  }
}

export function compileNegate(e: ExpressionOf<'Negate'>, ctx: CompileContext): Compiled {
  const c = ctx.compile(e.operand);
  const t = c.type;
  if (t === null) return { expr: e, type: null, evaluate: () => null };
  const ev = c.evaluate;
  if (t.base !== 'INTEGER' && t.base !== 'BIGINT' && t.base !== 'DOUBLE' && t.base !== 'DECIMAL') {
    throw new KsqlError(
      `Error processing expression: ${formatExpression(e)}. Unary ${e.sign === '-' ? 'negation' : 'plus'} on unsupported type: ${t.base}`,
      e.pos,
    );
  }
  if (e.sign === '+') return { expr: e, type: t, evaluate: ev };
  let neg: (v: never) => unknown;
  if (t.base === 'DECIMAL') neg = decimalNegate as (v: never) => unknown;
  else if (t.base === 'INTEGER') neg = ((v: number) => -v | 0) as (v: never) => unknown;
  else neg = ((v: number) => -v) as (v: never) => unknown;
  if (c.constant && c.constant.value !== null) {
    const value = neg(c.constant.value as never);
    return { expr: e, type: t, evaluate: () => value, constant: { value } };
  }
  const onNull = nullOperandFailure(e, ctx);
  return {
    expr: e,
    type: t,
    evaluate: (row) => {
      const v = ev(row);
      if (v === null) return onNull ? onNull() : null;
      return neg(v as never);
    },
  };
}

/** `a || b`: string concatenation as CONCAT — NULL operands are skipped, not propagated. */
export function compileConcat(e: ExpressionOf<'Concat'>, ctx: CompileContext): Compiled {
  const l = ctx.compile(e.left);
  const r = ctx.compile(e.right);
  const base = l.type?.base ?? r.type?.base ?? 'STRING';
  for (const side of [l, r]) {
    if (side.type !== null && side.type.base !== base) {
      throw new KsqlError(
        `Function 'concat' does not accept parameters (${[l, r].map((s) => (s.type ? s.type.base : 'null')).join(', ')}).`,
        e.pos,
      );
    }
  }
  if (base !== 'STRING' && base !== 'BYTES') {
    throw new KsqlError(`Function 'concat' does not accept parameters (${base}, ${base}).`, e.pos);
  }
  const le = l.evaluate;
  const re = r.evaluate;
  if (base === 'BYTES') {
    return {
      expr: e,
      type: SqlTypes.BYTES,
      evaluate: (row) => {
        const a = le(row) as Buffer | null;
        const b = re(row) as Buffer | null;
        return Buffer.concat([a ?? Buffer.alloc(0), b ?? Buffer.alloc(0)]);
      },
    };
  }
  return {
    expr: e,
    type: SqlTypes.STRING,
    evaluate: (row) => {
      const a = le(row);
      const b = re(row);
      return (a === null ? '' : (a as string)) + (b === null ? '' : (b as string));
    },
  };
}
