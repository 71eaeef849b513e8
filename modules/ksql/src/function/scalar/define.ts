import type { SqlType } from '../../types/sql-type.js';
import type { BoundCall, ParamType, ScalarFunction, ScalarImpl, ScalarVariant } from './scalar-function.js';

/** Helpers for defining functions tersely: one variant per Java overload in ksqlDB's UDF classes. */

export const CATEGORY = {
  STRING: 'STRING',
  MATH: 'MATHEMATICAL',
  DATE_TIME: 'DATE / TIME',
  JSON: 'JSON',
  ARRAY: 'ARRAY',
  MAP: 'MAP',
  LAMBDA: 'LAMBDA',
  CONDITIONAL: 'CONDITIONAL',
  CONVERSIONS: 'CONVERSIONS',
  OTHER: 'OTHER',
} as const;

/**
 * ksqlDB's UDF classes declare their names in mixed case, and its messages quote them
 * (`Function 'least' does not accept parameters …`): most are lower-case, these are not.
 */
const DECLARED_UPPER = new Set([
  'ARRAY_CONTAINS',
  'ARRAY_JOIN',
  'ARRAY_LENGTH',
  'AS_MAP',
  'AS_VALUE',
  'COALESCE',
  'ENTRIES',
  'GENERATE_SERIES',
  'IFNULL',
  'IS_JSON_STRING',
  'JSON_ARRAY_CONTAINS',
  'JSON_ARRAY_LENGTH',
  'JSON_CONCAT',
  'JSON_ITEMS',
  'JSON_KEYS',
  'JSON_RECORDS',
  'NULLIF',
  'TO_JSON_STRING',
  'UUID',
]);
const DECLARED_MIXED: Readonly<Record<string, string>> = {
  ABS: 'Abs',
  CEIL: 'Ceil',
  CHR: 'Chr',
  FLOOR: 'Floor',
  LPAD: 'LPad',
  RPAD: 'RPad',
  ROUND: 'Round',
};

export function declaredName(name: string): string {
  return DECLARED_MIXED[name] ?? (DECLARED_UPPER.has(name) ? name : name.toLowerCase());
}

/**
 * A literal argument prepared once (a pattern compiled, a zone resolved). When it is invalid the
 * call fails on each row instead — ksqlDB creates the query and its rows get NULL — so the
 * failure is deferred, not raised while compiling the statement.
 */
export function prepareOnce<T>(prepare: () => T): () => T {
  try {
    const value = prepare();
    return () => value;
  } catch (err) {
    return () => {
      throw err;
    };
  }
}

export function scalar(
  name: string,
  category: string,
  description: string,
  variants: readonly ScalarVariant[],
): ScalarFunction {
  return { name, displayName: declaredName(name), category, description, variants };
}

export interface VariantOptions {
  readonly nulls?: 'nullOnNull' | 'pass';
  readonly variadic?: boolean;
  readonly description?: string;
  readonly paramNames?: readonly string[];
}

/**
 * A variant whose implementation is a plain function of its arguments (fixed arity up to four;
 * a variadic variant receives the repeated arguments as one array in the last position).
 */
export function fixed(
  params: readonly ParamType[],
  returns: SqlType | ParamType | ((call: BoundCall) => SqlType),
  body: (a: never, b: never, c: never, d: never) => unknown,
  options: VariantOptions = {},
): ScalarVariant {
  const f = body as (a: unknown, b: unknown, c: unknown, d: unknown) => unknown;
  const n = params.length;
  let impl: ScalarImpl;
  if (options.variadic) {
    impl = (a) => {
      const rest = a.slice(n - 1);
      return n === 1
        ? f(rest, undefined, undefined, undefined)
        : n === 2
          ? f(a[0], rest, undefined, undefined)
          : f(a[0], a[1], rest, undefined);
    };
  } else {
    impl = (a) => f(a[0], a[1], a[2], a[3]);
  }
  return {
    params,
    returns,
    nulls: options.nulls,
    variadic: options.variadic,
    description: options.description,
    paramNames: options.paramNames,
    implement: () => impl,
  };
}

/** A variant whose implementation is built per call site (constant patterns, bound types). */
export function bound(
  params: readonly ParamType[],
  returns: SqlType | ParamType | ((call: BoundCall) => SqlType),
  implement: (call: BoundCall) => ScalarImpl,
  options: VariantOptions = {},
): ScalarVariant {
  return {
    params,
    returns,
    implement,
    nulls: options.nulls,
    variadic: options.variadic,
    description: options.description,
    paramNames: options.paramNames,
  };
}
