import { SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory } from '../function-types.js';
import { describe, factory, fn, noVariant, requireNoLiterals } from './support.js';

/**
 * COUNT(*) / COUNT() counts records; COUNT(col) counts records whose argument is not NULL (ksqlDB
 * plans COUNT(*) as COUNT(ROWTIME), which is never null: the planner passes no argument then).
 * BIGINT; works on tables (undo) and session windows (merge = sum).
 */
export const COUNT: AggregateFactory = factory(
  describe('COUNT', 'Counts records by key.', [
    { signature: 'COUNT(*) => BIGINT', description: 'Counts all records.' },
    { signature: 'COUNT(val ANY) => BIGINT', description: 'Counts records where val is not null.' },
  ]),
  (argTypes, literals, position) => {
    if (argTypes.length > 1) throw noVariant('COUNT', argTypes, position);
    requireNoLiterals('COUNT', argTypes, literals, position);
    const star = argTypes.length === 0;
    return fn<number>('COUNT', SqlTypes.BIGINT, {
      initialize: () => 0,
      aggregate: (args, acc) => (star || args[0] !== null ? acc + 1 : acc),
      undo: (args, acc) => (star || args[0] !== null ? acc - 1 : acc),
      merge: (a, b) => a + b,
      result: (acc) => acc,
    });
  },
);
