import { SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory } from '../function-types.js';
import { describe, factory, fn, NUMERIC_BASES, requireNoLiterals, singleArg } from './support.js';

/** AVG's accumulator (ksqlDB's STRUCT<SUM, COUNT>). */
export interface AvgAccumulator {
  readonly sum: number;
  readonly count: number;
}

/**
 * AVG over INT, BIGINT and DOUBLE → DOUBLE: sum / count of the non-NULL values, 0.0 for none
 * (ksqlDB returns 0.0, not NULL). An INT sum wraps as Java's int does. Works on tables (undo).
 */
export const AVG: AggregateFactory = factory(
  describe(
    'AVG',
    'Returns the average value of the column computed as the sum divided by the count. Applicable only to numeric types.',
    [
      { signature: 'AVG(val INT) => DOUBLE' },
      { signature: 'AVG(val BIGINT) => DOUBLE' },
      { signature: 'AVG(val DOUBLE) => DOUBLE' },
    ],
  ),
  (argTypes, literals, position) => {
    const type = singleArg('AVG', argTypes, NUMERIC_BASES, position);
    requireNoLiterals('AVG', argTypes, literals, position);
    const add =
      type.base === 'INTEGER' ? (a: number, b: number) => (a + b) | 0 : (a: number, b: number) => a + b;
    return fn<AvgAccumulator>('AVG', SqlTypes.DOUBLE, {
      initialize: () => ({ sum: 0, count: 0 }),
      aggregate: (args, acc) => {
        const v = args[0] as number | null;
        return v === null ? acc : { sum: add(acc.sum, v), count: acc.count + 1 };
      },
      undo: (args, acc) => {
        const v = args[0] as number | null;
        return v === null ? acc : { sum: add(acc.sum, -v), count: acc.count - 1 };
      },
      merge: (a, b) => ({ sum: add(a.sum, b.sum), count: a.count + b.count }),
      result: (acc) => (acc.count === 0 ? 0 : acc.sum / acc.count),
    });
  },
);
