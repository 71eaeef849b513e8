import type { Expression } from '../parser/ast.js';
import type { ScalarFunction } from '../function/scalar/scalar-function.js';
import type { ColumnScope } from './compiled.js';
import type { MaybeType } from './type-rules.js';

/** A compiled expression's closure: evaluates on one evaluation row. */
export type Evaluator = (row: readonly unknown[]) => unknown;

/** An expression after type checking: its type (null for an untyped NULL literal) and its closure. */
export interface Compiled {
  readonly type: MaybeType;
  readonly evaluate: Evaluator;
  readonly expr: Expression;
  /** Set for literals (functions such as TIMESTAMPTOSTRING compile a constant pattern once). */
  readonly constant?: { readonly value: unknown };
}

/** Where the scalar functions come from (the registry, function/registry.ts). */
export interface ScalarFunctionSource {
  getScalar(name: string): ScalarFunction | undefined;
  /** Whether `name` is an aggregate (for a clearer message when one reaches the compiler). */
  isAggregate?(name: string): boolean;
}

/** A lambda parameter in scope: its type and the slot its current value is written to. */
export interface LambdaVariable {
  readonly type: MaybeType;
  readonly slot: { value: unknown };
}

export interface CompileContext {
  readonly scope: ColumnScope;
  readonly functions: ScalarFunctionSource | undefined;
  /** Lambda parameters visible here, innermost last (they shadow columns). */
  readonly lambdaVars: ReadonlyMap<string, LambdaVariable>;
  /** The clause being compiled, for messages (`SELECT column 'X' cannot be resolved.`). */
  readonly clause?: string;
  /**
   * Receives the failures that ksqlDB's nested error handling turns into NULL (a function that
   * throws, a CAST that does not convert): the caller logs them (the processing log).
   */
  readonly onError: (error: import('./compiled.js').EvaluationError) => void;
  compile(e: Expression): Compiled;
  /** The same context with more lambda parameters in scope. */
  withLambdaVars(vars: ReadonlyMap<string, LambdaVariable>): CompileContext;
}
