import { KsqlError, type SourcePosition } from '../errors.js';
import type { ScalarFunctionSource } from '../expr/context.js';
import { formatSqlType, type SqlType } from '../types/sql-type.js';
import { aggregateFunctions } from './aggregate/index.js';
import type {
  AggregateFactory,
  FunctionDescription,
  FunctionRegistry,
  KsqlAggregateFunction,
} from './function-types.js';
import { scalarFunctions } from './scalar/index.js';
import { tableFunctions } from './table/index.js';
import { paramText, type ScalarFunction, type ScalarVariant } from './scalar/scalar-function.js';

export type {
  BoundCall,
  ParamType,
  ScalarFunction,
  ScalarImpl,
  ScalarVariant,
} from './scalar/scalar-function.js';
export { P, ScalarFunctionError } from './scalar/scalar-function.js';

/**
 * The function registry: built-in scalar functions (resolved by the expression compiler through
 * `getScalar`) and aggregates (bound by the planner through `resolveAggregate`), plus their
 * descriptions for SHOW FUNCTIONS and DESCRIBE FUNCTION. Names are case-insensitive.
 */
export interface KsqlFunctionRegistry extends FunctionRegistry, Omit<ScalarFunctionSource, 'isAggregate'> {
  /** Adds (or replaces) a scalar function — for tests and embedders' own UDFs. */
  registerScalar(fn: ScalarFunction): void;
  /** Adds (or replaces) an aggregate function under `name` — for tests and embedders' own UDAFs. */
  registerAggregate(name: string, factory: AggregateFactory): void;
  /** Adds (or replaces) a table function (a scalar returning the ARRAY of its rows' values). */
  registerTableFunction(fn: ScalarFunction): void;
}

function returnText(v: ScalarVariant): string {
  const r = v.returns;
  if (typeof r === 'function') return 'ANY';
  return 'kind' in r ? paramText(r) : formatSqlType(r);
}

/** `SUBSTRING(str STRING, pos INTEGER) => STRING`; a variadic parameter reads `T...`. */
export function variantSignature(name: string, v: ScalarVariant): string {
  const params = v.params.map((p, i) => {
    const t = paramText(p) + (v.variadic && i === v.params.length - 1 ? '...' : '');
    const n = v.paramNames?.[i];
    return n ? `${n} ${t}` : t;
  });
  return `${name}(${params.join(', ')}) => ${returnText(v)}`;
}

export function describeScalar(fn: ScalarFunction, kind: 'SCALAR' | 'TABLE' = 'SCALAR'): FunctionDescription {
  return {
    name: fn.name,
    kind,
    description: fn.description,
    category: fn.category,
    variants: fn.variants.map((v) => ({
      signature: variantSignature(fn.name, v),
      description: v.description,
    })),
  };
}

export function createFunctionRegistry(
  aggregates: ReadonlyMap<string, AggregateFactory> = aggregateFunctions,
  scalars: readonly ScalarFunction[] = scalarFunctions,
  tables: readonly ScalarFunction[] = tableFunctions,
): KsqlFunctionRegistry {
  const tableByName = new Map<string, ScalarFunction>();
  for (const fn of tables) tableByName.set(fn.name.toUpperCase(), fn);
  const scalarByName = new Map<string, ScalarFunction>();
  for (const fn of scalars) scalarByName.set(fn.name.toUpperCase(), fn);
  const aggregateByName = new Map<string, AggregateFactory>();
  for (const [name, f] of aggregates) aggregateByName.set(name.toUpperCase(), f);

  return {
    getScalar: (name: string) => scalarByName.get(name.toUpperCase()),
    registerScalar(fn: ScalarFunction): void {
      scalarByName.set(fn.name.toUpperCase(), fn);
    },
    registerAggregate(name: string, factory: AggregateFactory): void {
      aggregateByName.set(name.toUpperCase(), factory);
    },
    registerTableFunction(fn: ScalarFunction): void {
      tableByName.set(fn.name.toUpperCase(), fn);
    },
    isAggregate: (name: string) => aggregateByName.has(name.toUpperCase()),
    isTableFunction: (name: string) => tableByName.has(name.toUpperCase()),
    getTableFunction: (name: string) => tableByName.get(name.toUpperCase()),
    resolveAggregate(
      name: string,
      argTypes: readonly SqlType[],
      literals: readonly unknown[],
      position?: SourcePosition,
      properties?: Readonly<Record<string, string>>,
    ): KsqlAggregateFunction {
      const factory = aggregateByName.get(name.toUpperCase());
      if (!factory) throw new KsqlError(`Can't find any functions with the name '${name}'`, position);
      // The query's properties reach the functions configured there (collect limits), as ksqlDB
      // configures a Configurable UDAF with the query's config.
      return factory.create(argTypes, literals, position, properties);
    },
    describe(name: string): FunctionDescription | undefined {
      const key = name.toUpperCase();
      const s = scalarByName.get(key);
      if (s) return describeScalar(s);
      const t = tableByName.get(key);
      if (t) return describeScalar(t, 'TABLE');
      return aggregateByName.get(key)?.description;
    },
    list(): readonly FunctionDescription[] {
      const all = [
        ...[...scalarByName.values()].map((s) => describeScalar(s)),
        ...[...aggregateByName.values()].map((a) => a.description),
        ...[...tableByName.values()].map((t) => describeScalar(t, 'TABLE')),
      ];
      return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}
