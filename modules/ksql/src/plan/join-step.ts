import { UnsupportedFeatureError } from '../errors.js';
import type { JoinClause } from '../parser/ast.js';
import type { PlanContext } from './plan-context.js';
import type { PlannedStream } from './planned-stream.js';

export interface JoinSide {
  /** The source's alias (its name when none was written). */
  readonly alias: string;
  readonly planned: PlannedStream;
}

/**
 * Plans one join of a left-deep join chain: stream–stream (WITHIN), stream–table, table–table
 * (primary-key and foreign-key). Both sides arrive with pseudo-columns; the result's value columns
 * are every input column renamed `<ALIAS>_<COLUMN>` (ksqlDB's join schema), and `sources` on the
 * result records which alias owns which columns so `alias.col` and unambiguous `col` resolve.
 */
export async function planJoin(
  left: JoinSide,
  right: JoinSide,
  join: JoinClause,
  _ctx: PlanContext,
): Promise<PlannedStream> {
  void left;
  void right;
  throw new UnsupportedFeatureError('JOIN', join.pos);
}
