import { aggregateFunctions } from '../../../src/function/aggregate/index.js';
import type { KsqlAggregateFunction } from '../../../src/function/function-types.js';
import type { SqlType } from '../../../src/types/sql-type.js';

/** Binds a built-in aggregate to argument types (and trailing literals). */
export function bind(
  name: string,
  argTypes: readonly SqlType[],
  literals: readonly unknown[] = [],
  properties?: Record<string, string>,
): KsqlAggregateFunction<unknown> {
  const f = aggregateFunctions.get(name);
  if (!f) throw new Error(`no aggregate ${name}`);
  return f.create(argTypes, literals, undefined, properties);
}

/** Folds single-argument values into a fresh accumulator. */
export function fold(
  f: KsqlAggregateFunction<unknown>,
  values: readonly unknown[],
  acc = f.initialize(),
): unknown {
  let a = acc;
  for (const v of values) a = f.aggregate([v], a);
  return a;
}

/** The result after folding `values`. */
export function run(f: KsqlAggregateFunction<unknown>, values: readonly unknown[]): unknown {
  return f.result(fold(f, values));
}

/** Removes values from an accumulator with undo. */
export function unfold(f: KsqlAggregateFunction<unknown>, values: readonly unknown[], acc: unknown): unknown {
  let a = acc;
  for (const v of values) a = f.undo!([v], a);
  return a;
}
