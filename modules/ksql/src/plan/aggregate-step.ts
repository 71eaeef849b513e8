import { UnsupportedFeatureError } from '../errors.js';
import type { Query } from '../parser/ast.js';
import type { PlanContext } from './plan-context.js';
import type { PlannedStream } from './planned-stream.js';

/**
 * Plans an aggregate query's middle: GROUP BY (re-key and repartition), WINDOW, the aggregate
 * calls of SELECT and HAVING, HAVING itself, EMIT FINAL (suppress), then the SELECT projection over
 * the aggregated rows. Input: the (filtered) source stream with pseudo-columns; output: a TABLE
 * whose schema is the query's output schema (key = the GROUP BY columns, value = the projection).
 */
export async function planAggregation(input: PlannedStream, query: Query, _ctx: PlanContext): Promise<PlannedStream> {
  void input;
  throw new UnsupportedFeatureError('GROUP BY', query.groupBy?.[0]?.pos);
}
