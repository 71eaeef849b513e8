import { KsqlError } from '../errors.js';
import type { FunctionRegistry, KsqlAggregateFunction } from '../function/function-types.js';
import type { Expression, ExpressionOf, Query, SelectItem } from '../parser/ast.js';
import { WINDOW_BOUNDS_COLUMNS } from '../schema/logical-schema.js';
import { children, formatExpression } from './aggregate-expressions.js';
import type { PlanContext } from './plan-context.js';

/*
 * The aggregate queries ksqlDB refuses, with its messages: unknown functions, KAFKA-format sources,
 * intermediate types the value format cannot hold, aggregates without GROUP BY, window bounds
 * outside a windowed SELECT.
 */

/** ksqlDB resolves every function before analysing the aggregation: an unknown name is reported first. */
export function requireKnownFunctions(e: Expression, registry: FunctionRegistry): void {
  if (e.kind === 'FunctionCall' && registry.describe(e.name) === undefined) {
    throw new KsqlError(`Can't find any functions with the name '${e.name}'`, e.pos);
  }
  for (const c of children(e)) requireKnownFunctions(c, registry);
}

/** ksqlDB refuses GROUP BY over KAFKA-format values (it cannot carry the internal rows). */
export function checkSourceFormat(query: Query, ctx: PlanContext): void {
  if (ctx.internalValueFormat.name !== 'KAFKA') return;
  const names = [query.from.name, ...query.joins.map((j) => j.right.name)];
  throw new KsqlError(
    `Source(s) ${names.join(', ')} are using the 'KAFKA' value format. This format does not yet support GROUP BY.`,
    query.pos,
  );
}

/** Aggregates whose intermediate value (ksqlDB's aggregate type) is a primitive. */
const PRIMITIVE_INTERMEDIATE: ReadonlySet<string> = new Set(['COUNT', 'SUM', 'MIN', 'MAX']);

/**
 * ksqlDB keeps intermediate values in the query's value format; DELIMITED cannot hold the
 * structs, arrays and maps most aggregates keep. The engine's own serde could, but the query
 * would not run on ksqlDB, so it is refused the same way.
 */
export function checkIntermediateTypes(
  aggregates: readonly { readonly fn: KsqlAggregateFunction }[],
  ctx: PlanContext,
): void {
  if (ctx.internalValueFormat.name !== 'DELIMITED') return;
  if (aggregates.every((a) => PRIMITIVE_INTERMEDIATE.has(a.fn.name))) return;
  throw new KsqlError(
    'One of the functions used in the statement has an intermediate type that the value format can not handle. ' +
      'Please remove the function or change the format.',
  );
}

/** Aggregate calls without GROUP BY: ksqlDB's messages for a SELECT with and without plain columns. */
export function noGroupBy(
  items: readonly (SelectItem & { kind: 'SingleColumn' })[],
  query: Query,
  isAggregate: (e: Expression) => e is ExpressionOf<'FunctionCall'>,
): never {
  const plain: string[] = [];
  const calls: string[] = [];
  const hasColumnOutsideAggregate = (e: Expression): boolean => {
    if (isAggregate(e)) return false;
    if (e.kind === 'ColumnRef') return true;
    return children(e).some(hasColumnOutsideAggregate);
  };
  const collectCalls = (e: Expression): void => {
    if (isAggregate(e)) {
      calls.push(e.star || e.args.length === 0 ? `${e.name}(ROWTIME)` : formatExpression(e, (r) => r.name));
      return;
    }
    for (const c of children(e)) collectCalls(c);
  };
  for (const item of items) {
    if (hasColumnOutsideAggregate(item.expression))
      plain.push(formatExpression(item.expression, (r) => r.name));
    collectCalls(item.expression);
  }
  if (plain.length > 0) {
    throw new KsqlError(
      `Non-aggregate SELECT expression(s) not part of GROUP BY: ${plain.join(', ')}\n` +
        'Either add the column(s) to the GROUP BY or remove them from the SELECT.',
      query.pos,
    );
  }
  throw new KsqlError(
    `CREATE TABLE AS SELECT statement does not support aggregate function [${calls.join(', ')}] without a GROUP BY clause.`,
    query.pos,
  );
}

export function rejectWindowBounds(e: Expression): void {
  if (e.kind === 'ColumnRef' && (WINDOW_BOUNDS_COLUMNS as readonly string[]).includes(e.name)) {
    throw new KsqlError(
      `Window bounds column ${e.name} can only be used in the SELECT clause of windowed aggregations`,
      e.pos,
    );
  }
  for (const c of children(e)) rejectWindowBounds(c);
}
