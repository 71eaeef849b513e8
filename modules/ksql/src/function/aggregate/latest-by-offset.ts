import type { AggregateFactory } from '../function-types.js';
import { byOffsetArgs, byOffsetN } from './by-offset.js';
import type { Sequenced } from './offset-sequence.js';
import { sequenced } from './offset-sequence.js';
import { describe, factory } from './support.js';

/**
 * LATEST_BY_OFFSET: the value of the record that arrived last (NULLs skipped unless ignoreNulls is
 * false), or with n the last n values, oldest first. Session merge keeps the later arrival.
 */
export const LATEST_BY_OFFSET: AggregateFactory = factory(
  describe('LATEST_BY_OFFSET', 'This function returns the latest value for the column, computed by offset.', [
    { signature: 'LATEST_BY_OFFSET(val T) => T', description: 'return the latest value of a column' },
    {
      signature: 'LATEST_BY_OFFSET(val T, ignoreNulls BOOLEAN) => T',
      description: 'return the latest value of a column',
    },
    {
      signature: 'LATEST_BY_OFFSET(val T, latestN INT) => ARRAY<T>',
      description: 'return the latest N values of a column',
    },
    {
      signature: 'LATEST_BY_OFFSET(val T, latestN INT, ignoreNulls BOOLEAN) => ARRAY<T>',
      description: 'return the latest N values of a column',
    },
  ]),
  (argTypes, literals, position) => {
    const args = byOffsetArgs('LATEST_BY_OFFSET', argTypes, literals, position);
    if (args.n !== undefined) return byOffsetN('LATEST_BY_OFFSET', { ...args, n: args.n }, true);
    const { ignoreNulls } = args;
    // With ignoreNulls a remembered NULL never wins a merge over a value (ksqlDB's comparator).
    const later = (a: Sequenced, b: Sequenced): Sequenced => {
      if (ignoreNulls && (a.val === null) !== (b.val === null)) return a.val === null ? b : a;
      return a.seq >= b.seq ? a : b;
    };
    return {
      name: 'LATEST_BY_OFFSET',
      returnType: args.type,
      initialize: (): Sequenced | null => null,
      aggregate: (a, acc: Sequenced | null) => {
        const v = a[0] ?? null;
        return v === null && ignoreNulls ? acc : sequenced(v);
      },
      merge: (a: Sequenced | null, b: Sequenced | null) => (a === null ? b : b === null ? a : later(a, b)),
      result: (acc: Sequenced | null) => (acc === null ? null : acc.val),
    };
  },
);
