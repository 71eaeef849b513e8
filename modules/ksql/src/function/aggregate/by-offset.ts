import { KsqlError, type SourcePosition } from '../../errors.js';
import { type SqlType, SqlTypes } from '../../types/sql-type.js';
import type { KsqlAggregateFunction } from '../function-types.js';
import { noVariant, positiveIntLiteral } from './support.js';
import { bySequence, type Sequenced, sequenced } from './offset-sequence.js';

/**
 * What LATEST_BY_OFFSET and EARLIEST_BY_OFFSET share: their variants
 *   F(col)                      ignoreNulls = true
 *   F(col, ignoreNulls BOOLEAN)
 *   F(col, n INT)               → ARRAY of the n latest / earliest values
 *   F(col, n INT, ignoreNulls BOOLEAN)
 * bound from the trailing literals. Any column type; stream-only (no undo).
 */
export interface ByOffsetArgs {
  readonly type: SqlType;
  readonly ignoreNulls: boolean;
  /** Absent for the single-value variants. */
  readonly n?: number;
}

export function byOffsetArgs(
  name: string,
  argTypes: readonly SqlType[],
  literals: readonly unknown[],
  position?: SourcePosition,
): ByOffsetArgs {
  const type = argTypes[0];
  if (argTypes.length !== 1 || type === undefined) throw noVariant(name, argTypes, position);
  const [first, second] = literals;
  if (literals.length === 0) return { type, ignoreNulls: true };
  if (literals.length === 1 && typeof first === 'boolean') return { type, ignoreNulls: first };
  if (literals.length <= 2 && typeof first === 'number') {
    if (literals.length === 2 && typeof second !== 'boolean') {
      throw new KsqlError(`${name}: the third argument (ignoreNulls) must be a BOOLEAN literal`, position);
    }
    const what = name === 'LATEST_BY_OFFSET' ? 'latestN' : 'earliestN';
    return { type, n: positiveIntLiteral(what, first, position), ignoreNulls: (second as boolean) ?? true };
  }
  throw new KsqlError(
    `${name} takes a column, then optionally an INT count and/or a BOOLEAN ignoreNulls literal`,
    position,
  );
}

/** The n-values variants: a list of sequenced values, oldest first. */
export function byOffsetN(
  name: string,
  args: ByOffsetArgs & { n: number },
  latest: boolean,
): KsqlAggregateFunction<readonly Sequenced[]> {
  const { n, ignoreNulls } = args;
  const keep = (list: readonly Sequenced[]): readonly Sequenced[] =>
    list.length <= n ? list : latest ? list.slice(list.length - n) : list.slice(0, n);
  return {
    name,
    returnType: SqlTypes.array(args.type),
    initialize: () => [],
    aggregate: (a, acc) => {
      const v = a[0] ?? null;
      if (v === null && ignoreNulls) return acc;
      if (!latest && acc.length >= n) return acc;
      return keep([...acc, sequenced(v)]);
    },
    // ksqlDB's LATEST_BY_OFFSET merge keeps the *earliest* n of two sessions (it sorts ascending and
    // takes the head); the latest n is what the function promises, so that is kept here.
    merge: (a, b) => keep([...a, ...b].sort(bySequence)),
    result: (acc) => acc.map((s) => s.val),
  };
}
