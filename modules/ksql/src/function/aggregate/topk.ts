import { KsqlError } from '../../errors.js';
import { type SqlType, SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory } from '../function-types.js';
import { comparatorFor, describe, factory, fn, noVariant, positiveIntLiteral } from './support.js';

/**
 * TOPK(col, k) → ARRAY of the k largest non-NULL values, largest first (col INT, BIGINT, DOUBLE or
 * STRING). TOPK(col, other1, …, k) → ARRAY<STRUCT<sort_col, col0, …>>: the k records with the
 * largest col, each with the other columns' values (ksqlDB's variadic form). Equal values keep
 * arrival order. Stream-only.
 */
export const TOPK: AggregateFactory = factory(
  describe('TOPK', 'Returns the top k values for a column and other values in those records.', [
    ...['INT', 'BIGINT', 'DOUBLE', 'STRING'].map((t) => ({
      signature: `TOPK(val ${t}, k INT) => ARRAY<${t}>`,
      description: `Returns the top k values for a ${t.toLowerCase()} column.`,
    })),
    {
      signature: 'TOPK(val T, other1 ANY, …, k INT) => ARRAY<STRUCT<sort_col T, col0 ANY, …>>',
      description: 'Returns the top k values of a column and the other values in those records.',
    },
  ]),
  (argTypes, literals, position) => {
    const sortType = argTypes[0];
    if (sortType === undefined || !['INTEGER', 'BIGINT', 'DOUBLE', 'STRING'].includes(sortType.base)) {
      throw noVariant('TOPK', argTypes, position);
    }
    if (literals.length !== 1)
      throw new KsqlError('TOPK takes the number of values, k, as its last argument', position);
    const k = positiveIntLiteral('k', literals[0], position);
    const cmp = comparatorFor(sortType);
    const structs = argTypes.length > 1;
    const elementType: SqlType = structs
      ? SqlTypes.struct([
          { name: 'sort_col', type: sortType },
          ...argTypes.slice(1).map((type, i) => ({ name: `col${i}`, type })),
        ])
      : sortType;
    const sortValue = structs ? (e: unknown) => (e as Record<string, unknown>).sort_col : (e: unknown) => e;
    const element = structs
      ? (args: readonly unknown[]) => {
          const s: Record<string, unknown> = { sort_col: args[0] };
          for (let i = 1; i < args.length; i++) s[`col${i - 1}`] = args[i] ?? null;
          return s;
        }
      : (args: readonly unknown[]) => args[0];
    return fn<readonly unknown[]>('TOPK', SqlTypes.array(elementType), {
      initialize: () => [],
      aggregate: (args, acc) => {
        const v = args[0] ?? null;
        if (v === null) return acc;
        if (acc.length === k && cmp(v, sortValue(acc[k - 1])) <= 0) return acc;
        // After every element ≥ v: ties keep arrival order.
        let at = acc.length;
        while (at > 0 && cmp(sortValue(acc[at - 1]), v) < 0) at--;
        const out = [...acc.slice(0, at), element(args), ...acc.slice(at)];
        if (out.length > k) out.length = k;
        return out;
      },
      merge: (a, b) => {
        const out: unknown[] = [];
        let i = 0;
        let j = 0;
        while (out.length < k && (i < a.length || j < b.length)) {
          if (j >= b.length || (i < a.length && cmp(sortValue(a[i]), sortValue(b[j])) >= 0)) out.push(a[i++]);
          else out.push(b[j++]);
        }
        return out;
      },
      result: (acc) => acc,
    });
  },
);
