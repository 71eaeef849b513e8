import type { SourcePosition } from '../../errors.js';
import type { SqlBaseType, SqlType } from '../../types/sql-type.js';
import { formatSqlType, SqlTypes } from '../../types/sql-type.js';

/**
 * How a scalar function (UDF) is defined: its variants, each with parameter types (concrete
 * types, any-DECIMAL / any-STRUCT, generics `T`, arrays and maps of those, lambdas, interval
 * units), an optional variadic last parameter, its return type as a function of the bound
 * argument types, its NULL policy and an implementation built once per call site.
 */
export type ParamType =
  | { readonly kind: 'exact'; readonly type: SqlType }
  | { readonly kind: 'base'; readonly base: SqlBaseType }
  | { readonly kind: 'generic'; readonly name: string }
  | { readonly kind: 'array'; readonly element: ParamType }
  | { readonly kind: 'map'; readonly key: ParamType; readonly value: ParamType }
  | { readonly kind: 'lambda'; readonly params: readonly ParamType[]; readonly returns: ParamType }
  | { readonly kind: 'intervalUnit' };

/** Parameter-type shorthands for definitions. */
export const P = {
  BOOLEAN: { kind: 'exact', type: SqlTypes.BOOLEAN } as ParamType,
  INT: { kind: 'exact', type: SqlTypes.INTEGER } as ParamType,
  BIGINT: { kind: 'exact', type: SqlTypes.BIGINT } as ParamType,
  DOUBLE: { kind: 'exact', type: SqlTypes.DOUBLE } as ParamType,
  STRING: { kind: 'exact', type: SqlTypes.STRING } as ParamType,
  BYTES: { kind: 'exact', type: SqlTypes.BYTES } as ParamType,
  DATE: { kind: 'exact', type: SqlTypes.DATE } as ParamType,
  TIME: { kind: 'exact', type: SqlTypes.TIME } as ParamType,
  TIMESTAMP: { kind: 'exact', type: SqlTypes.TIMESTAMP } as ParamType,
  /** Any DECIMAL(p, s); INTEGER and BIGINT arguments widen to DECIMAL(10, 0) / DECIMAL(19, 0). */
  DECIMAL: { kind: 'base', base: 'DECIMAL' } as ParamType,
  STRUCT: { kind: 'base', base: 'STRUCT' } as ParamType,
  T: { kind: 'generic', name: 'T' } as ParamType,
  U: { kind: 'generic', name: 'U' } as ParamType,
  K: { kind: 'generic', name: 'K' } as ParamType,
  V: { kind: 'generic', name: 'V' } as ParamType,
  UNIT: { kind: 'intervalUnit' } as ParamType,
  array: (element: ParamType): ParamType => ({ kind: 'array', element }),
  map: (key: ParamType, value: ParamType): ParamType => ({ kind: 'map', key, value }),
  lambda: (params: readonly ParamType[], returns: ParamType): ParamType => ({
    kind: 'lambda',
    params,
    returns,
  }),
} as const;

/** What an implementation is bound to at a call site. */
export interface BoundCall {
  /** The argument types after implicit conversion to the parameters (null = a NULL literal). */
  readonly argTypes: readonly (SqlType | null)[];
  /** Generic parameters' types (`T`, `U`, …). */
  readonly generics: ReadonlyMap<string, SqlType>;
  /** Constant arguments (literals), by position: a pattern or zone compiled once. */
  readonly constants: readonly ({ readonly value: unknown } | undefined)[];
  readonly position?: SourcePosition;
}

export type ScalarImpl = (args: unknown[]) => unknown;

export interface ScalarVariant {
  readonly params: readonly ParamType[];
  /** The last parameter repeats zero or more times. */
  readonly variadic?: boolean;
  /** Parameter names for DESCRIBE FUNCTION (defaults to the types). */
  readonly paramNames?: readonly string[];
  /** The return type: fixed, a parameter type over the generics, or computed from the call. */
  readonly returns: SqlType | ParamType | ((call: BoundCall) => SqlType);
  /**
   * `nullOnNull` (default): the result is NULL when any argument is NULL, without calling the
   * implementation. `pass`: the implementation sees NULLs (COALESCE, CONCAT, …).
   */
  readonly nulls?: 'nullOnNull' | 'pass';
  /** Builds the implementation for one call site (once, at compile time). */
  implement(call: BoundCall): ScalarImpl;
  readonly description?: string;
}

export interface ScalarFunction {
  /** The name calls use (any case); listed upper-case. */
  readonly name: string;
  /** The name as ksqlDB's UDF declares it, which its error messages quote (`least`, `Round`). */
  readonly displayName?: string;
  readonly description: string;
  readonly category: string;
  readonly variants: readonly ScalarVariant[];
}

/** A function failing on a row (bad input to PARSE_DATE, …): the compiler wraps it with the function's name. */
export class ScalarFunctionError extends Error {}

/** A parameter type as signatures print it: `ARRAY<T>`, `DECIMAL`, `LAMBDA<(T) => U>`. */
export function paramText(p: ParamType): string {
  switch (p.kind) {
    case 'exact':
      return formatSqlType(p.type);
    case 'base':
      return p.base;
    case 'generic':
      return p.name;
    case 'array':
      return `ARRAY<${paramText(p.element)}>`;
    case 'map':
      return `MAP<${paramText(p.key)}, ${paramText(p.value)}>`;
    case 'lambda':
      return `LAMBDA<(${p.params.map(paramText).join(', ')}) => ${paramText(p.returns)}>`;
    case 'intervalUnit':
      return 'INTERVALUNIT';
  }
}

/**
 * The variants of a function as ksqlDB lists them after a failed call (`Valid alternatives are:`):
 * `explode(ARRAY<DECIMAL> input)`, one per line.
 */
export function alternativesText(fn: ScalarFunction): string {
  const name = fn.displayName ?? fn.name;
  return fn.variants
    .map((v) => {
      const params = v.params.map((p, i) => {
        const t = paramText(p) + (v.variadic && i === v.params.length - 1 ? '...' : '');
        const n = v.paramNames?.[i];
        return n ? `${t} ${n}` : t;
      });
      return `${name}(${params.join(', ')})`;
    })
    .join('\n');
}
