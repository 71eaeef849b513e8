import { SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory } from '../function-types.js';
import { collectLimit } from './collect-limit.js';
import { describe, factory, fn, requireNoLiterals, singleArg, valuesEqual } from './support.js';

/**
 * COLLECT_SET(col) → ARRAY of the distinct values in first-arrival order (NULL is a value too, as
 * in ksqlDB), up to the collect limit. Stream-only: ksqlDB has no undo for it.
 */
export const COLLECT_SET: AggregateFactory = factory(
  describe(
    'COLLECT_SET',
    'Gather all of the distinct values from an input grouping into a single Array.\n' +
      'Not available for aggregating values from an input Table.\nYou may limit the size of the resultant ' +
      'Array to N entries, beyond which any further values will be silently ignored, by setting the ' +
      'ksql.functions.collect_set.limit configuration to N.',
    [
      {
        signature: 'COLLECT_SET(val T) => ARRAY<T>',
        description: 'collect distinct values of a field into a single Array',
      },
    ],
  ),
  (argTypes, literals, position, properties) => {
    const type = singleArg('COLLECT_SET', argTypes, 'ANY', position);
    requireNoLiterals('COLLECT_SET', argTypes, literals, position);
    const limit = collectLimit('ksql.functions.collect_set.limit', properties);
    const has = (list: readonly unknown[], v: unknown) => list.some((x) => valuesEqual(x, v));
    return fn<readonly unknown[]>('COLLECT_SET', SqlTypes.array(type), {
      initialize: () => [],
      aggregate: (args, acc) => {
        const v = args[0] ?? null;
        return acc.length < limit && !has(acc, v) ? [...acc, v] : acc;
      },
      merge: (a, b) => {
        let out: readonly unknown[] = a;
        for (const v of b) {
          if (out.length >= limit) break;
          if (!has(out, v)) out = [...out, v];
        }
        return out;
      },
      result: (acc) => acc,
    });
  },
);
