import { KsqlError } from '../../errors.js';
import { SqlTypes } from '../../types/sql-type.js';
import type { AggregateFactory } from '../function-types.js';
import {
  COMPARABLE_BASES,
  comparatorFor,
  describe,
  factory,
  fn,
  positiveIntLiteral,
  singleArg,
} from './support.js';

/**
 * TOPKDISTINCT(col, k) → ARRAY of the k largest distinct non-NULL values, largest first (numeric,
 * DECIMAL, STRING, BYTES and the temporal types). Stream-only.
 */
export const TOPKDISTINCT: AggregateFactory = factory(
  describe(
    'TOPKDISTINCT',
    'Computes the top k distinct values for a column, per key.',
    ['INT', 'BIGINT', 'DOUBLE', 'DECIMAL', 'STRING', 'BYTES', 'DATE', 'TIME', 'TIMESTAMP'].map((t) => ({
      signature: `TOPKDISTINCT(val ${t}, k INT) => ARRAY<${t}>`,
      description: `Calculates the top k distinct values for a ${t.toLowerCase()} column, per key.`,
    })),
  ),
  (argTypes, literals, position) => {
    const type = singleArg('TOPKDISTINCT', argTypes, COMPARABLE_BASES, position);
    if (literals.length !== 1) {
      throw new KsqlError('TOPKDISTINCT takes the number of values, k, as its last argument', position);
    }
    const k = positiveIntLiteral('k', literals[0], position);
    const cmp = comparatorFor(type);
    return fn<readonly unknown[]>('TOPKDISTINCT', SqlTypes.array(type), {
      initialize: () => [],
      aggregate: (args, acc) => {
        const v = args[0] ?? null;
        if (v === null) return acc;
        if (acc.length === k && cmp(v, acc[k - 1]) <= 0) return acc;
        let at = acc.length;
        while (at > 0 && cmp(acc[at - 1], v) < 0) at--;
        if (at > 0 && cmp(acc[at - 1], v) === 0) return acc; // already there
        const out = [...acc.slice(0, at), v, ...acc.slice(at)];
        if (out.length > k) out.length = k;
        return out;
      },
      merge: (a, b) => {
        const out: unknown[] = [];
        let i = 0;
        let j = 0;
        while (out.length < k && (i < a.length || j < b.length)) {
          const c = i >= a.length ? 1 : j >= b.length ? -1 : cmp(b[j], a[i]);
          if (c < 0) out.push(a[i++]);
          else if (c > 0) out.push(b[j++]);
          else {
            out.push(a[i++]);
            j++;
          }
        }
        return out;
      },
      result: (acc) => acc,
    });
  },
);
