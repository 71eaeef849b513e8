import { KsqlError } from '../errors.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { Expression, ExpressionKind, ExpressionOf } from '../parser/ast.js';
import { formatSqlType, type SqlType, sqlTypeEquals } from '../types/sql-type.js';
import { compileDereference, compileSubscript } from './access.js';
import { compileArithmetic, compileConcat, compileNegate } from './arithmetic.js';
import { compileSearchedCase, compileSimpleCase } from './case.js';
import { compileCast } from './cast-expression.js';
import { isImplicit } from './cast.js';
import { compileColumnRef } from './columns.js';
import { compileBetween, compileComparison, compileIsDistinctFrom } from './comparison.js';
import type { ColumnScope, CompiledExpression, EvaluationError } from './compiled.js';
import { compileArrayConstructor, compileMapConstructor, compileStructConstructor } from './constructors.js';
import type { CompileContext, Compiled, LambdaVariable, ScalarFunctionSource } from './context.js';
import { formatExpression } from './format-expression.js';
import { compileFunctionCall } from './functions.js';
import { compileAs, resolve } from './list-coercion.js';
import { compileLiteral } from './literals.js';
import { compileAnd, compileIsNull, compileNot, compileOr } from './logical.js';
import { compileInList, compileLike } from './predicates.js';

/**
 * Type checking and compilation of KSQL expressions into closure trees.
 *
 * Types are resolved once here; evaluation is a tree of closures, each built for its node's
 * operand types (no per-record switch on node kinds or types, no lookups by name): a column is
 * an index into the evaluation row, a function its implementation bound to its argument types.
 */
export interface CompileOptions {
  /** The clause compiled (`SELECT`, `WHERE`, …): unknown columns read `WHERE column 'X' cannot be resolved.` */
  readonly clause?: string;
  /**
   * Called with each failure that evaluates to NULL instead of failing the row — as ksqlDB's
   * nested error handling does for function calls and CASTs (it logs them to the processing log).
   * Other failures (integer division by zero, a DECIMAL that needs rounding) throw EvaluationError.
   */
  readonly onError?: (error: EvaluationError) => void;
}

type NodeCompiler<K extends ExpressionKind> = (e: ExpressionOf<K>, ctx: CompileContext) => Compiled;

const COMPILERS: { readonly [K in ExpressionKind]: NodeCompiler<K> } = {
  NullLiteral: compileLiteral,
  BooleanLiteral: compileLiteral,
  IntegerLiteral: compileLiteral,
  DecimalLiteral: compileLiteral,
  DoubleLiteral: compileLiteral,
  StringLiteral: compileLiteral,
  TypedLiteral: compileLiteral,
  ColumnRef: compileColumnRef,
  Dereference: compileDereference,
  Subscript: compileSubscript,
  Arithmetic: compileArithmetic,
  Negate: compileNegate,
  Concat: compileConcat,
  Comparison: compileComparison,
  IsDistinctFrom: compileIsDistinctFrom,
  And: compileAnd,
  Or: compileOr,
  Not: compileNot,
  IsNull: compileIsNull,
  Between: compileBetween,
  InList: compileInList,
  Like: compileLike,
  SearchedCase: compileSearchedCase,
  SimpleCase: compileSimpleCase,
  Cast: compileCast,
  FunctionCall: compileFunctionCall,
  IntervalUnit: (e) => {
    throw new KsqlError(
      `Unexpected time unit ${e.unit}: a time unit is only valid as a function argument`,
      e.pos,
    );
  },
  Lambda: (e) => {
    throw new KsqlError(
      'A lambda expression is only valid as an argument of a lambda function (TRANSFORM, FILTER, REDUCE)',
      e.pos,
    );
  },
  ArrayConstructor: compileArrayConstructor,
  MapConstructor: compileMapConstructor,
  StructConstructor: compileStructConstructor,
};

function isScalarSource(f: unknown): f is ScalarFunctionSource {
  return typeof (f as { getScalar?: unknown } | undefined)?.getScalar === 'function';
}

export function createCompileContext(
  scope: ColumnScope,
  functions: FunctionRegistry | ScalarFunctionSource | undefined,
  clause?: string,
  lambdaVars: ReadonlyMap<string, LambdaVariable> = new Map(),
  onError: (error: EvaluationError) => void = () => {},
): CompileContext {
  const source = isScalarSource(functions) ? functions : undefined;
  const ctx: CompileContext = {
    scope,
    functions: source,
    lambdaVars,
    clause,
    onError,
    compile(e: Expression): Compiled {
      const compiler = COMPILERS[e.kind] as NodeCompiler<typeof e.kind>;
      return compiler(e as never, ctx);
    },
    withLambdaVars(vars: ReadonlyMap<string, LambdaVariable>): CompileContext {
      const merged = new Map(lambdaVars);
      for (const [k, v] of vars) merged.set(k, v);
      return createCompileContext(scope, source, clause, merged, onError);
    },
  };
  return ctx;
}

/**
 * Type-checks `expr` against `scope` and compiles it. Throws a KsqlError (with the position of
 * the offending node) for unknown columns, type errors and unknown functions. A bare NULL has no
 * type and is refused, as ksqlDB does in projections.
 */
export function compileExpression(
  expr: Expression,
  scope: ColumnScope,
  functions: FunctionRegistry,
  options: CompileOptions = {},
): CompiledExpression {
  const compiled = createCompileContext(scope, functions, options.clause, undefined, options.onError).compile(
    expr,
  );
  if (compiled.type === null) {
    throw new KsqlError(
      "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).",
      expr.pos,
    );
  }
  return { type: compiled.type, evaluate: compiled.evaluate };
}

/**
 * Compiles `expr` as a value of `target` — an INSERT VALUES value for its column: NULL is
 * allowed, literals are coerced as ksqlDB coerces them (`'5'` for an INTEGER, `1` for a STRING,
 * `1.5` for a DECIMAL(4, 2)), other expressions must widen to the type. Anything else is a
 * KsqlError naming both types.
 */
export function compileExpressionAs(
  expr: Expression,
  target: SqlType,
  scope: ColumnScope,
  functions: FunctionRegistry,
  options: CompileOptions = {},
): CompiledExpression {
  const ctx = createCompileContext(scope, functions, options.clause, undefined, options.onError);
  const compiled = ctx.compile(expr);
  if (compiled.type === null) return { type: target, evaluate: () => null };
  const mismatch = (): KsqlError =>
    new KsqlError(
      `Expected type ${formatSqlType(target)} for ${formatExpression(expr)} but got ${formatSqlType(compiled.type as SqlType)}`,
      expr.pos,
    );
  let widened: SqlType;
  try {
    widened = resolve(target, compiled, ctx);
  } catch (err) {
    if (err instanceof KsqlError && err.message.includes('invalid input syntax')) throw err;
    throw mismatch();
  }
  // the value must fit the target itself, not merely share a wider type with it
  const fits =
    sqlTypeEquals(widened, target) ||
    isImplicit(widened, target) ||
    (widened.base === 'DECIMAL' && target.base === 'DECIMAL');
  if (!fits) throw mismatch();
  const c = compileAs(expr, target, ctx, compiled);
  return { type: target, evaluate: c.evaluate };
}
