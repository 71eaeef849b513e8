import type { SourcePosition } from '../errors.js';
import type { SqlType } from '../types/sql-type.js';
import type { ScalarFunction } from './scalar/scalar-function.js';

/**
 * The contract between the planner and the function registry. Scalar functions are resolved
 * by the expression compiler itself; the planner only needs aggregates and descriptions.
 */

/**
 * One aggregate (UDAF) bound to its argument types. The planner folds records into one
 * accumulator per group with it (Kafka Streams' Initializer / Aggregator / Merger, plus the
 * subtractor a table aggregation needs when a row is replaced or deleted).
 *
 * Accumulators are plain data — numbers, strings, booleans, null, arrays, plain objects, Map,
 * bigint, Buffer, Decimal — so the planner can serialize them into state stores and changelogs.
 * They are immutable: aggregate / undo / merge return a new accumulator rather than changing the
 * one passed in (a windowed table keeps the previous object as the update's old value).
 */
export interface KsqlAggregateFunction<A = unknown> {
  readonly name: string;
  readonly returnType: SqlType;
  initialize(): A;
  /** Folds one record's evaluated (non-literal) arguments into the accumulator. */
  aggregate(args: readonly unknown[], acc: A): A;
  /** Removes a record's arguments (table aggregations); absent = the function cannot aggregate a table. */
  undo?(args: readonly unknown[], acc: A): A;
  /** Merges two session windows' accumulators. */
  merge(a: A, b: A): A;
  /** The value the query outputs for this accumulator. */
  result(acc: A): unknown;
}

export interface FunctionDescription {
  readonly name: string;
  readonly kind: 'SCALAR' | 'AGGREGATE' | 'TABLE';
  readonly description: string;
  readonly category: string;
  /** One line per variant, e.g. `SUBSTRING(str VARCHAR, pos INT, len INT) => VARCHAR`. */
  readonly variants: readonly { readonly signature: string; readonly description?: string }[];
}

export interface FunctionRegistry {
  isAggregate(name: string): boolean;
  /**
   * Binds an aggregate call. `argTypes` are the types of the column arguments; `literals` the
   * trailing constant arguments some aggregates take (TOPK's k, HISTOGRAM has none).
   * Throws a KsqlError naming the function and the types when no variant accepts them.
   * `properties`: the query's effective properties (COLLECT_LIST / COLLECT_SET read their
   * `ksql.functions.collect_*.limit` there), passed on to the factory.
   */
  resolveAggregate(
    name: string,
    argTypes: readonly SqlType[],
    literals: readonly unknown[],
    position?: SourcePosition,
    properties?: Readonly<Record<string, string>>,
  ): KsqlAggregateFunction;
  /** Whether `name` is a table function (UDTF: EXPLODE, CUBE_EXPLODE, …). */
  isTableFunction(name: string): boolean;
  /**
   * A table function, bound as a scalar returning the ARRAY of its rows' values (the planner's
   * FlatMap step makes rows of them); undefined for other names.
   */
  getTableFunction(name: string): ScalarFunction | undefined;
  describe(name: string): FunctionDescription | undefined;
  list(): readonly FunctionDescription[];
}

/** One aggregate's entry in the registry: its description and how to bind it to argument types. */
export interface AggregateFactory {
  readonly description: FunctionDescription;
  /**
   * Throws a KsqlError when no variant accepts these argument types / literals. `properties`: the
   * query's effective properties, for functions configured there (collect limits).
   */
  create(
    argTypes: readonly SqlType[],
    literals: readonly unknown[],
    position?: SourcePosition,
    properties?: Readonly<Record<string, string>>,
  ): KsqlAggregateFunction;
}
