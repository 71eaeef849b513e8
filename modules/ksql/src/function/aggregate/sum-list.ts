import { SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory } from '../function-types.js';
import { describe, factory, fn, noVariant, requireNoLiterals } from './support.js';

/**
 * SUM_LIST(ARRAY<INT | BIGINT | DOUBLE>) → the element type: the sum of every non-NULL element of
 * every array (NULL arrays skipped). Works on tables (undo subtracts the array's sum).
 */
export const SUM_LIST: AggregateFactory = factory(
  describe('SUM_LIST', 'Returns the sum of elements contained in the list.', [
    {
      signature: 'SUM_LIST(list ARRAY<INT>) => INT',
      description: 'sum int values in a list into a single int',
    },
    {
      signature: 'SUM_LIST(list ARRAY<BIGINT>) => BIGINT',
      description: 'sum long values in a list into a single long',
    },
    {
      signature: 'SUM_LIST(list ARRAY<DOUBLE>) => DOUBLE',
      description: 'sum double values in a list into a single double',
    },
  ]),
  (argTypes, literals, position) => {
    const t = argTypes[0];
    const element = t?.base === 'ARRAY' ? t.element : undefined;
    if (argTypes.length !== 1 || !element || !['INTEGER', 'BIGINT', 'DOUBLE'].includes(element.base)) {
      throw noVariant('SUM_LIST', argTypes, position);
    }
    requireNoLiterals('SUM_LIST', argTypes, literals, position);
    const wrap = element.base === 'INTEGER';
    const add = wrap ? (a: number, b: number) => (a + b) | 0 : (a: number, b: number) => a + b;
    const sum = (list: readonly (number | null)[]): number => {
      let s = 0;
      for (const v of list) if (v !== null) s = add(s, v);
      return s;
    };
    return fn<number>('SUM_LIST', element.base === 'INTEGER' ? SqlTypes.INTEGER : element, {
      initialize: () => 0,
      aggregate: (args, acc) => (args[0] == null ? acc : add(acc, sum(args[0] as (number | null)[]))),
      undo: (args, acc) => (args[0] == null ? acc : add(acc, -sum(args[0] as (number | null)[]))),
      merge: (a, b) => add(a, b),
      result: (acc) => acc,
    });
  },
);
