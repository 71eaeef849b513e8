import type { SourcePosition } from '../../errors.js';
import { type SqlType, SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory, KsqlAggregateFunction } from '../function-types.js';
import { describe, factory, fn, NUMERIC_BASES, requireNoLiterals, singleArg } from './support.js';

/** The running sum, count and sum of squared deviations (M2) — Welford's update as ksqlDB does it. */
export interface StdDevAccumulator {
  readonly sum: number;
  readonly count: number;
  readonly m2: number;
}

/**
 * Both of ksqlDB's sample standard deviations over INT, BIGINT, DOUBLE → DOUBLE (NULLs skipped,
 * 0.0 for fewer than two values; tables supported through undo). Note, as in ksqlDB:
 * STDDEV_SAMP returns the sample *variance* (M2 / (n − 1)) and STDDEV_SAMPLE its square root —
 * ksqlDB's own tests pin both results, so queries ported from ksqlDB keep their numbers.
 */
function stddev(name: string, sqrt: boolean) {
  return (argTypes: readonly SqlType[], literals: readonly unknown[], position?: SourcePosition) => {
    const type = singleArg(name, argTypes, NUMERIC_BASES, position);
    requireNoLiterals(name, argTypes, literals, position);
    const add =
      type.base === 'INTEGER' ? (a: number, b: number) => (a + b) | 0 : (a: number, b: number) => a + b;
    const f: KsqlAggregateFunction<StdDevAccumulator> = fn<StdDevAccumulator>(name, SqlTypes.DOUBLE, {
      initialize: () => ({ sum: 0, count: 0, m2: 0 }),
      aggregate: (args, acc) => {
        const v = args[0] as number | null;
        if (v === null) return acc;
        const count = acc.count + 1;
        let m2 = 0;
        if (count > 1) {
          const delta = v * count - (acc.sum + v);
          m2 = (delta * delta) / (count * (count - 1));
        }
        return { sum: add(acc.sum, v), count, m2: acc.m2 + m2 };
      },
      undo: (args, acc) => {
        const v = args[0] as number | null;
        if (v === null) return acc;
        const count = acc.count - 1;
        let m2 = 0;
        if (count > 0) {
          const delta = v * (acc.count + 1) - (acc.sum + v);
          m2 = (delta * delta) / (count * (count + 1));
        }
        return { sum: add(acc.sum, -v), count, m2: acc.m2 - m2 };
      },
      merge: (a, b) => {
        const count = a.count + b.count;
        let m2 = a.m2 + b.m2;
        if (a.count !== 0 && b.count !== 0) {
          const inner = a.sum / a.count - b.sum / b.count;
          m2 += (a.count * b.count * inner * inner) / count;
        }
        return { sum: add(a.sum, b.sum), count, m2 };
      },
      result: (acc) => {
        if (acc.count < 2) return 0;
        const variance = acc.m2 / (acc.count - 1);
        return sqrt ? Math.sqrt(variance) : variance;
      },
    });
    return f;
  };
}

const variants = (name: string) =>
  ['INT', 'BIGINT', 'DOUBLE'].map((t) => ({ signature: `${name}(val ${t}) => DOUBLE` }));

export const STDDEV_SAMP: AggregateFactory = factory(
  describe(
    'STDDEV_SAMP',
    'Returns the sample standard deviation of the column. Applicable only to numeric types.',
    variants('STDDEV_SAMP'),
  ),
  stddev('STDDEV_SAMP', false),
);

export const STDDEV_SAMPLE: AggregateFactory = factory(
  describe(
    'STDDEV_SAMPLE',
    'Returns the sample standard deviation of the column. Applicable only to numeric types.',
    variants('STDDEV_SAMPLE'),
  ),
  stddev('STDDEV_SAMPLE', true),
);
