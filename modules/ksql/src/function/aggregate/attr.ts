import type { AggregateFactory } from '../function-types.js';
import { describe, factory, fn, requireNoLiterals, singleArg, valuesEqual } from './support.js';

/** One distinct value ATTR has seen and how many rows currently hold it. */
interface AttrEntry {
  readonly value: unknown;
  readonly count: number;
}

/**
 * ATTR(col) → the column's type: the value when every row of the group holds the same one (NULL
 * counts as a value), NULL as soon as two different values are present. Counts per distinct
 * value, so on a table (undo) the result comes back once the odd row is gone.
 */
export const ATTR: AggregateFactory = factory(
  describe(
    'ATTR',
    'The ATTR() aggregation indicates there are multiple values, but only one was expected. For example, ' +
      'if aggregating against a table that semantically should have only one value for a column given a key, ' +
      'this aggregation enables users to indicate that they expect only a single value.\n\nIf the aggregation ' +
      'encounters more than a single value for the expected singular column, the entire aggregation will return null.',
    [{ signature: 'ATTR(val T) => T', description: 'Collect as a singleton' }],
  ),
  (argTypes, literals, position) => {
    const type = singleArg('ATTR', argTypes, 'ANY', position);
    requireNoLiterals('ATTR', argTypes, literals, position);
    const update = (acc: readonly AttrEntry[], value: unknown, delta: number): readonly AttrEntry[] => {
      const i = acc.findIndex((e) => valuesEqual(e.value, value));
      if (i < 0) return delta > 0 ? [...acc, { value, count: delta }] : acc;
      const out = [...acc];
      out[i] = { value, count: Math.max(0, acc[i]!.count + delta) };
      return out;
    };
    return fn<readonly AttrEntry[]>('ATTR', type, {
      initialize: () => [],
      aggregate: (args, acc) => update(acc, args[0] ?? null, 1),
      undo: (args, acc) => update(acc, args[0] ?? null, -1),
      merge: (a, b) => b.reduce((acc, e) => update(acc, e.value, e.count), a),
      result: (acc) => {
        const live = acc.filter((e) => e.count > 0);
        return live.length === 1 ? live[0]!.value : null;
      },
    });
  },
);
