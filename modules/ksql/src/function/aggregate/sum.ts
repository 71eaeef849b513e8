import { KsqlError } from '../../errors.js';
import type { SqlDecimalType } from '../../types/sql-type.js';
import { Decimal } from '../../values/decimal.js';
import type { AggregateFactory, KsqlAggregateFunction } from '../function-types.js';
import { decimalAdd, describe, factory, fn, requireNoLiterals, singleArg } from './support.js';

/**
 * SUM over INT (INT result, wrapping on overflow as Java's int), BIGINT, DOUBLE and DECIMAL(p, s)
 * (same type; a sum whose integer digits exceed p − s fails the record, as ksqlDB's "Numeric field
 * overflow"). NULL arguments are skipped; the sum of no values is 0. Works on tables (undo).
 */
export const SUM: AggregateFactory = factory(
  describe('SUM', 'Computes the sum for a key.', [
    { signature: 'SUM(val INT) => INT' },
    { signature: 'SUM(val BIGINT) => BIGINT' },
    { signature: 'SUM(val DOUBLE) => DOUBLE' },
    {
      signature: 'SUM(val DECIMAL) => DECIMAL',
      description: 'Computes the sum of decimal values, with the same precision and scale.',
    },
  ]),
  (argTypes, literals, position) => {
    const type = singleArg('SUM', argTypes, ['INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL'], position);
    requireNoLiterals('SUM', argTypes, literals, position);
    if (type.base === 'DECIMAL') return decimalSum(type);
    const wrap = type.base === 'INTEGER';
    return fn<number>('SUM', type, {
      initialize: () => 0,
      aggregate: (args, acc) => {
        const v = args[0] as number | null;
        if (v === null) return acc;
        return wrap ? (acc + v) | 0 : acc + v;
      },
      undo: (args, acc) => {
        const v = args[0] as number | null;
        if (v === null) return acc;
        return wrap ? (acc - v) | 0 : acc - v;
      },
      merge: (a, b) => (wrap ? (a + b) | 0 : a + b),
      result: (acc) => acc,
    });
  },
);

function decimalSum(type: SqlDecimalType): KsqlAggregateFunction<Decimal> {
  const digits = type.precision - type.scale;
  const limit = 10n ** BigInt(type.precision);
  const check = (d: Decimal): Decimal => {
    // |value| < 10^digits, compared on the unscaled value at the type's scale.
    const atScale = d.scale <= type.scale ? d.unscaled * 10n ** BigInt(type.scale - d.scale) : d.unscaled;
    if ((atScale < 0n ? -atScale : atScale) >= limit) {
      throw new KsqlError(
        `Numeric field overflow: A field with precision ${type.precision} and scale ${type.scale} ` +
          `must round to an absolute value less than 10^${digits}. Got ${d.toString()}`,
      );
    }
    return d;
  };
  return fn<Decimal>('SUM', type, {
    initialize: () => new Decimal(0n, type.scale),
    aggregate: (args, acc) => {
      const v = args[0] as Decimal | null;
      return v === null ? acc : check(decimalAdd(acc, v));
    },
    undo: (args, acc) => {
      const v = args[0] as Decimal | null;
      return v === null ? acc : decimalAdd(acc, v, true);
    },
    merge: (a, b) => decimalAdd(a, b),
    result: (acc) => acc,
  });
}
