import { SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory } from '../function-types.js';
import { collectLimit } from './collect-limit.js';
import { describe, factory, fn, requireNoLiterals, singleArg, valuesEqual } from './support.js';

/**
 * COLLECT_LIST(col) → ARRAY of every value in arrival order, NULLs included, up to the collect limit
 * (later values are silently ignored). On a table, undo removes the last equal element (as ksqlDB,
 * which does not track which insertion a removal belongs to). Session merge appends, up to the limit.
 */
export const COLLECT_LIST: AggregateFactory = factory(
  describe(
    'COLLECT_LIST',
    'Gather all of the values from an input grouping into a single Array field.\n' +
      'Although this aggregate works on both Stream and Table inputs, the order of entries in the result ' +
      'array is not guaranteed when working on Table input data.\nYou may limit the size of the resultant ' +
      'Array to N entries, beyond which any further values will be silently ignored, by setting the ' +
      'ksql.functions.collect_list.limit configuration to N.',
    [
      {
        signature: 'COLLECT_LIST(val T) => ARRAY<T>',
        description: 'collect values of a field into a single Array',
      },
    ],
  ),
  (argTypes, literals, position, properties) => {
    const type = singleArg('COLLECT_LIST', argTypes, 'ANY', position);
    requireNoLiterals('COLLECT_LIST', argTypes, literals, position);
    const limit = collectLimit('ksql.functions.collect_list.limit', properties);
    return fn<readonly unknown[]>('COLLECT_LIST', SqlTypes.array(type), {
      initialize: () => [],
      aggregate: (args, acc) => (acc.length < limit ? [...acc, args[0] ?? null] : acc),
      undo: (args, acc) => {
        const v = args[0] ?? null;
        for (let i = acc.length - 1; i >= 0; i--) {
          if (valuesEqual(acc[i], v)) return [...acc.slice(0, i), ...acc.slice(i + 1)];
        }
        return acc; // never added (the limit was reached)
      },
      merge: (a, b) => (a.length >= limit ? a : [...a, ...b.slice(0, limit - a.length)]),
      result: (acc) => acc,
    });
  },
);
