import { SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory } from '../function-types.js';
import { HLL_M, hllCardinality, hllSlot } from './hyperloglog.js';
import { describe, factory, fn, requireNoLiterals, singleArg } from './support.js';

/**
 * COUNT_DISTINCT(col) → BIGINT: the approximate number of distinct non-NULL values (HyperLogLog,
 * see hyperloglog.ts; exact for small counts in practice). Stream-only. The sketch is copied only
 * when a register grows, so repeated values cost no allocation.
 */
export const COUNT_DISTINCT: AggregateFactory = factory(
  describe(
    'COUNT_DISTINCT',
    'This function returns the number of items found in a group. The implementation is probabilistic ' +
      'with a typical accuracy (standard error) of less than 1%.',
    [{ signature: 'COUNT_DISTINCT(val T) => BIGINT', description: 'Count distinct' }],
  ),
  (argTypes, literals, position) => {
    singleArg('COUNT_DISTINCT', argTypes, 'ANY', position);
    requireNoLiterals('COUNT_DISTINCT', argTypes, literals, position);
    return fn<Buffer>('COUNT_DISTINCT', SqlTypes.BIGINT, {
      initialize: () => Buffer.alloc(HLL_M),
      aggregate: (args, acc) => {
        const v = args[0] ?? null;
        if (v === null) return acc;
        const { index, rank } = hllSlot(v);
        if (acc[index]! >= rank) return acc;
        const out = Buffer.from(acc);
        out[index] = rank;
        return out;
      },
      merge: (a, b) => {
        const out = Buffer.from(a);
        for (let i = 0; i < HLL_M; i++) if (b[i]! > out[i]!) out[i] = b[i]!;
        return out;
      },
      result: (acc) => hllCardinality(acc),
    });
  },
);
