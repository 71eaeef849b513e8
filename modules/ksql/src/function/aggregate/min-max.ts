import type { SourcePosition } from '../../errors.js';
import type { SqlType } from '../../types/sql-type.js';
import type { AggregateFactory, KsqlAggregateFunction } from '../function-types.js';
import {
  COMPARABLE_BASES,
  comparatorFor,
  describe,
  factory,
  fn,
  requireNoLiterals,
  singleArg,
  type VariantDoc,
} from './support.js';

/**
 * MIN / MAX (ksqlDB's BaseComparableKudaf): NULL until the first non-NULL value, NULL arguments
 * skipped; the result has the argument's type. Stream-only (no undo): a table aggregation cannot
 * take a value back out of a minimum.
 */
function comparable(name: 'MIN' | 'MAX', keepSecond: (cmp: number) => boolean) {
  return (argTypes: readonly SqlType[], literals: readonly unknown[], position?: SourcePosition) => {
    const type = singleArg(name, argTypes, COMPARABLE_BASES, position);
    requireNoLiterals(name, argTypes, literals, position);
    const cmp = comparatorFor(type);
    const pick = (acc: unknown, v: unknown): unknown => {
      if (v === null) return acc;
      if (acc === null) return v;
      return keepSecond(cmp(acc, v)) ? v : acc;
    };
    const f: KsqlAggregateFunction<unknown> = fn<unknown>(name, type, {
      initialize: () => null,
      aggregate: (args, acc) => pick(acc, args[0]),
      merge: (a, b) => pick(a, b),
      result: (acc) => acc,
    });
    return f;
  };
}

const variants = (name: string, what: string): VariantDoc[] =>
  ['INT', 'BIGINT', 'DOUBLE', 'DECIMAL', 'DATE', 'TIME', 'TIMESTAMP', 'STRING', 'BYTES'].map((t) => ({
    signature: `${name}(val ${t}) => ${t}`,
    description: `Computes the ${what} value for a ${t.toLowerCase()} key.`,
  }));

export const MIN: AggregateFactory = factory(
  describe('MIN', 'Computes the minimum value for a key.', variants('MIN', 'minimum')),
  comparable('MIN', (c) => c > 0),
);

export const MAX: AggregateFactory = factory(
  describe('MAX', 'Computes the maximum value for a key.', variants('MAX', 'maximum')),
  comparable('MAX', (c) => c < 0),
);
