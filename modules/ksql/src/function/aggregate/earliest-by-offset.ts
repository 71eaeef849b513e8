import type { AggregateFactory } from '../function-types.js';
import { byOffsetArgs, byOffsetN } from './by-offset.js';
import type { Sequenced } from './offset-sequence.js';
import { sequenced } from './offset-sequence.js';
import { describe, factory } from './support.js';

/**
 * EARLIEST_BY_OFFSET: the value of the first record that arrived (NULLs skipped unless ignoreNulls
 * is false), or with n the first n values. Session merge keeps the earlier arrival.
 */
export const EARLIEST_BY_OFFSET: AggregateFactory = factory(
  describe(
    'EARLIEST_BY_OFFSET',
    'This function returns the oldest value for the column, computed by offset.',
    [
      { signature: 'EARLIEST_BY_OFFSET(val T) => T', description: 'return the earliest value of a column' },
      {
        signature: 'EARLIEST_BY_OFFSET(val T, ignoreNulls BOOLEAN) => T',
        description: 'return the earliest value of a column',
      },
      {
        signature: 'EARLIEST_BY_OFFSET(val T, earliestN INT) => ARRAY<T>',
        description: 'return the earliest N values of a column',
      },
      {
        signature: 'EARLIEST_BY_OFFSET(val T, earliestN INT, ignoreNulls BOOLEAN) => ARRAY<T>',
        description: 'return the earliest N values of a column',
      },
    ],
  ),
  (argTypes, literals, position) => {
    const args = byOffsetArgs('EARLIEST_BY_OFFSET', argTypes, literals, position);
    if (args.n !== undefined) return byOffsetN('EARLIEST_BY_OFFSET', { ...args, n: args.n }, false);
    const { ignoreNulls } = args;
    return {
      name: 'EARLIEST_BY_OFFSET',
      returnType: args.type,
      initialize: (): Sequenced | null => null,
      aggregate: (a, acc: Sequenced | null) => {
        if (acc !== null) return acc;
        const v = a[0] ?? null;
        return v === null && ignoreNulls ? null : sequenced(v);
      },
      merge: (a: Sequenced | null, b: Sequenced | null) =>
        a === null ? b : b === null ? a : a.seq <= b.seq ? a : b,
      result: (acc: Sequenced | null) => (acc === null ? null : acc.val),
    };
  },
);
