import type { FormatInfo } from '../format/format.js';
import type { JoinType } from '../parser/ast.js';
import { INFERRING } from './join-key-format.js';

/*
 * ksqlDB's stream–stream join stores take Kafka Streams' generated names
 * (`KSTREAM-JOINTHIS-0000000012-store`): ksqlDB names the join's processors but not its stores, so
 * the number is Kafka Streams' node counter at that point of ksqlDB's topology. Our topology has
 * other nodes, so the planner recomputes the number ksqlDB would reach, from the steps ksqlDB
 * builds before the join (each burns the indices of the Kafka Streams calls it makes, including
 * the ones ksqlDB burns on purpose to keep old topologies' names):
 * - a stream source: SOURCE + PROCESSVALUES (2);
 * - a re-keying (`LeftSourceKeyed-SelectKey`, also when only the key format changes): 1;
 * - PrependAlias over a plain source (a select, which burns a PEEK index): 1;
 * - each repartition Kafka Streams adds for the join (sink, filter, source): 3;
 * - the join: this-windowed, other-windowed, then JOINTHIS / JOINOTHER, then merge.
 */

/** Counter after one side's steps, starting from `start` (0 for the first, plain source). */
export function sideNodeCount(
  start: number | undefined,
  plainSource: boolean,
  repartitioned: boolean,
): number | undefined {
  if (start === undefined) return undefined;
  return start + (plainSource ? 2 : 0) + (repartitioned ? 1 : 0) + (plainSource ? 1 : 0);
}

export interface StreamJoinNames {
  readonly stores: { readonly this: string; readonly other: string; readonly outer: string };
  /** Counter value after the join (for a later join of the chain). */
  readonly after: number;
}

const pad = (n: number) => String(n).padStart(10, '0');

/**
 * The store names of a stream–stream join whose sides' steps end at `rightAfter` (the right side
 * is built after the left), with `repartitions` repartition topics added by the join itself.
 */
export function streamJoinNames(rightAfter: number, repartitions: number, type: JoinType): StreamJoinNames {
  const thisIndex = rightAfter + 3 * repartitions + 2;
  // ksqlDB plans RIGHT as right.leftJoin(left): Kafka Streams then sees a left join.
  const rightOuter = type === 'FULL';
  const leftOuter = type !== 'INNER';
  return {
    stores: {
      this: `KSTREAM-${rightOuter ? 'OUTERTHIS' : 'JOINTHIS'}-${pad(thisIndex)}-store`,
      other: `KSTREAM-${leftOuter ? 'OUTEROTHER' : 'JOINOTHER'}-${pad(thisIndex + 1)}-store`,
      outer: `KSTREAM-OUTERSHARED-${pad(thisIndex)}-store`,
    },
    after: thisIndex + 3,
  };
}

/** What the start offset needs of a source: its kind and key format. */
export interface ChainSource {
  readonly type: 'STREAM' | 'TABLE';
  readonly keyFormat: FormatInfo;
}

/**
 * Where ksqlDB's counter stands when it starts the innermost join's left source. ksqlDB builds a
 * stream–table join's table before its stream, so every later stream–table join of a chain that
 * starts with a stream has its table built first: 6 indices for a table source with its
 * PrependAlias, 12 when the table is re-keyed into the join's key format (toStream, SelectKey,
 * repartition, toTable). The join's key format is taken to be the first source's (what it is unless
 * that source is re-keyed), so this is exact for the usual chains and an estimate otherwise.
 */
export function innermostJoinStart(from: ChainSource, rights: readonly ChainSource[]): number {
  if (from.type !== 'STREAM') return 0;
  const chain = from.keyFormat;
  let start = 0;
  for (const r of rights.slice(1)) {
    if (r.type !== 'TABLE') continue;
    const forced =
      INFERRING.has(chain.name) || INFERRING.has(r.keyFormat.name) || r.keyFormat.name !== chain.name;
    start += forced ? 12 : 6;
  }
  return start;
}
