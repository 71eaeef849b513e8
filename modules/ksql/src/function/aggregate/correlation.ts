import { SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory } from '../function-types.js';
import { describe, factory, fn, noVariant, requireNoLiterals } from './support.js';

/** The running sums of CORRELATION (ksqlDB's STRUCT<X_SUM, Y_SUM, X_SQUARED_SUM, …, COUNT>). */
export interface CorrelationAccumulator {
  readonly x: number;
  readonly y: number;
  readonly xx: number;
  readonly yy: number;
  readonly xy: number;
  readonly count: number;
}

/**
 * CORRELATION(x, y) → DOUBLE: the Pearson correlation coefficient of two INT, BIGINT or DOUBLE
 * columns (both the same type), over the rows where neither is NULL; single-pass sums, so NaN for
 * fewer than two rows (0 / 0), as ksqlDB. Works on tables (undo).
 */
export const CORRELATION: AggregateFactory = factory(
  describe('CORRELATION', 'Computes the Pearson correlation coefficient between two columns of data.', [
    { signature: 'CORRELATION(x DOUBLE, y DOUBLE) => DOUBLE' },
    { signature: 'CORRELATION(x INT, y INT) => DOUBLE' },
    { signature: 'CORRELATION(x BIGINT, y BIGINT) => DOUBLE' },
  ]),
  (argTypes, literals, position) => {
    const [a, b] = argTypes;
    if (
      argTypes.length !== 2 ||
      !a ||
      !b ||
      a.base !== b.base ||
      !['INTEGER', 'BIGINT', 'DOUBLE'].includes(a.base)
    ) {
      throw noVariant('CORRELATION', argTypes, position);
    }
    requireNoLiterals('CORRELATION', argTypes, literals, position);
    const step = (
      acc: CorrelationAccumulator,
      args: readonly unknown[],
      sign: 1 | -1,
    ): CorrelationAccumulator => {
      const x = args[0] as number | null;
      const y = args[1] as number | null;
      if (x === null || y === null) return acc;
      return {
        x: acc.x + sign * x,
        y: acc.y + sign * y,
        xx: acc.xx + sign * x * x,
        yy: acc.yy + sign * y * y,
        xy: acc.xy + sign * x * y,
        count: acc.count + sign,
      };
    };
    return fn<CorrelationAccumulator>('CORRELATION', SqlTypes.DOUBLE, {
      initialize: () => ({ x: 0, y: 0, xx: 0, yy: 0, xy: 0, count: 0 }),
      aggregate: (args, acc) => step(acc, args, 1),
      undo: (args, acc) => step(acc, args, -1),
      merge: (p, q) => ({
        x: p.x + q.x,
        y: p.y + q.y,
        xx: p.xx + q.xx,
        yy: p.yy + q.yy,
        xy: p.xy + q.xy,
        count: p.count + q.count,
      }),
      result: (acc) => {
        const n = acc.count;
        const numerator = n * acc.xy - acc.x * acc.y;
        const denominator = Math.sqrt((n * acc.xx - acc.x * acc.x) * (n * acc.yy - acc.y * acc.y));
        return numerator / denominator;
      },
    });
  },
);
