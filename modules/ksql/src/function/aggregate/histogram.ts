import { SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory } from '../function-types.js';
import { describe, factory, fn, requireNoLiterals, singleArg } from './support.js';

/** ksqlDB's fixed cap on the number of distinct strings a histogram holds. */
export const HISTOGRAM_LIMIT = 1000;

type Histogram = ReadonlyMap<string | null, number>;

/**
 * HISTOGRAM(str) → MAP<STRING, BIGINT> of each distinct string and how often it occurs, in first-
 * arrival order; at most 1000 entries (new strings beyond are ignored, known ones still counted).
 * NULL is counted under a NULL key, as ksqlDB's HashMap does. Works on tables (undo drops an entry
 * whose count reaches zero).
 */
export const HISTOGRAM: AggregateFactory = factory(
  describe(
    'HISTOGRAM',
    'Returns a map of each distinct String from the input Stream or Table and how many times each occurs.' +
      ' \nThis version limits the size of the resultant Map to 1000 entries. Any entries added beyond this ' +
      'limit will be ignored.',
    [
      {
        signature: 'HISTOGRAM(val STRING) => MAP<STRING, BIGINT>',
        description: 'Build a value-to-count histogram of input Strings',
      },
    ],
  ),
  (argTypes, literals, position) => {
    singleArg('HISTOGRAM', argTypes, ['STRING'], position);
    requireNoLiterals('HISTOGRAM', argTypes, literals, position);
    const add = (h: Histogram, k: string | null, n: number): Histogram => {
      const cur = h.get(k);
      if (cur === undefined && h.size >= HISTOGRAM_LIMIT) return h;
      const out = new Map(h);
      out.set(k, (cur ?? 0) + n);
      return out;
    };
    return fn<Histogram>('HISTOGRAM', SqlTypes.map(SqlTypes.STRING, SqlTypes.BIGINT), {
      initialize: () => new Map(),
      aggregate: (args, acc) => add(acc, (args[0] ?? null) as string | null, 1),
      undo: (args, acc) => {
        const k = (args[0] ?? null) as string | null;
        const cur = acc.get(k);
        if (cur === undefined) return acc;
        const out = new Map(acc);
        if (cur <= 1) out.delete(k);
        else out.set(k, cur - 1);
        return out;
      },
      merge: (a, b) => {
        let out = a;
        for (const [k, n] of b) out = add(out, k, n);
        return out;
      },
      result: (acc) => acc,
    });
  },
);
