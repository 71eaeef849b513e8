import { KsqlError, UnsupportedFeatureError } from '../errors.js';
import type { ColumnScope, CompiledExpression } from '../expr/compiled.js';
import type { KsqlAggregateFunction } from '../function/function-types.js';
import type { ColumnRef, Expression, ExpressionOf, Query, SelectItem } from '../parser/ast.js';
import {
  type Column,
  LogicalSchema,
  PSEUDO_COLUMNS,
  WINDOW_BOUNDS_COLUMNS,
} from '../schema/logical-schema.js';
import { formatSqlType, type SqlType, SqlTypes } from '../types/sql-type.js';
import { selectAliases } from './aggregate-aliases.js';
import { children, formatExpression, literalValue, mapChildren } from './aggregate-expressions.js';
import { inputScope, namedScope } from './aggregate-scope.js';
import type { PlanContext } from './plan-context.js';
import type { PlannedStream } from './planned-stream.js';
import {
  checkIntermediateTypes,
  checkSourceFormat,
  noGroupBy,
  rejectWindowBounds,
  requireKnownFunctions,
} from './aggregate-checks.js';

/**
 * The analysis of an aggregate query (ksqlDB's AggregateAnalyzer + the GroupBy / Aggregate /
 * Project steps' schemas), done once at plan time:
 *
 *  - the GROUP BY expressions, compiled on the input row, and the key columns they become (named
 *    after the SELECT item that repeats them, as ksqlDB does);
 *  - the aggregate calls of SELECT and HAVING (duplicates share one accumulator), bound to their
 *    functions, with their column arguments compiled on the input row;
 *  - the post-aggregation row every later expression reads:
 *        [key values…, aggregate results…, WINDOWSTART, WINDOWEND (windowed only)]
 *    SELECT and HAVING are rewritten onto it (a GROUP BY expression → its key column, an aggregate
 *    call → its result), so whatever still references an input column is not part of GROUP BY.
 */
/** The expression compiler; `clause` names the clause in messages (`SELECT column 'X' cannot be resolved.`). */
export type Compile = (expression: Expression, scope: ColumnScope, clause: string) => CompiledExpression;

export interface GroupKey {
  /** Compiled on the input row. */
  readonly compiled: CompiledExpression;
  /** The output key column's name. */
  readonly name: string;
}

export interface AggregateCall {
  readonly fn: KsqlAggregateFunction;
  /** The column arguments, compiled on the input row (empty for COUNT(*)). */
  readonly args: readonly CompiledExpression[];
}

export interface AggregateAnalysis {
  readonly groupBy: readonly GroupKey[];
  /** GROUP BY lists exactly the input's key columns, in key order: no re-keying needed. */
  readonly groupsByInputKey: boolean;
  readonly aggregates: readonly AggregateCall[];
  /** Compiled on the post-aggregation row. */
  readonly having?: CompiledExpression;
  /** The output's value columns, compiled on the post-aggregation row. */
  readonly values: readonly { readonly name: string; readonly compiled: CompiledExpression }[];
  readonly schema: LogicalSchema;
}

export function analyzeAggregation(
  input: PlannedStream,
  query: Query,
  ctx: PlanContext,
  compile: Compile,
  windowed: boolean,
): AggregateAnalysis {
  const registry = ctx.functions;
  const scope = inputScope(input, query.from);
  // Canonical text: column references by the column they resolve to, so `T.DATA` matches `DATA`.
  const canon = (e: Expression): string =>
    formatExpression(e, (ref) => {
      try {
        return scope.resolve(ref)?.name ?? formatRef(ref);
      } catch {
        return formatRef(ref);
      }
    });

  const items = expandSelect(query.select, input);
  const ownNames = new Set([query.from.name, query.from.alias ?? query.from.name]);
  const userColumns = [...input.schema.key.map((c) => c.name), ...userValueColumns(input)];
  const aliases = selectAliases(items, userColumns);
  for (const alias of aliases) {
    if (RESERVED.has(alias)) {
      throw new KsqlError(
        `Reserved column name in select: \`${alias}\`. Please remove or alias the column.`,
        query.pos,
      );
    }
  }

  const isAggregate = (e: Expression): e is ExpressionOf<'FunctionCall'> =>
    e.kind === 'FunctionCall' && registry.isAggregate(e.name);
  checkSourceFormat(query, ctx);
  const allExpressions = [
    ...items.map((i) => i.expression),
    ...(query.groupBy ?? []),
    ...(query.having ? [query.having] : []),
  ];
  for (const e of allExpressions) requireKnownFunctions(e, registry);

  // --- GROUP BY ------------------------------------------------------------------------------
  const groupExprs = query.groupBy ?? [];
  if (groupExprs.length === 0) {
    // Aggregates without GROUP BY: ksqlDB reports what the aggregate analysis finds (columns not
    // grouped, or aggregates without GROUP BY) even when a WINDOW is present — only a query without
    // aggregates gets "WINDOW clause requires a GROUP BY clause." (LogicalPlanner; query-planner.ts).
    noGroupBy(items, query, isAggregate);
  }
  for (const g of groupExprs) {
    const agg = findAggregate(g, isAggregate);
    if (agg) {
      throw new KsqlError(
        `GROUP BY does not support aggregate functions: ${(agg as ExpressionOf<'FunctionCall'>).name} is an aggregate function.`,
        agg.pos,
      );
    }
  }
  const groupIndex = new Map<string, number>();
  groupExprs.forEach((g, i) => {
    const key = canon(g);
    if (groupIndex.has(key)) {
      throw new KsqlError(`Duplicate GROUP BY expression: ${formatExpression(g)}`, g.pos);
    }
    groupIndex.set(key, i);
  });
  // Window bounds exist only after the windowed aggregation: not to group by, aggregate or filter on.
  for (const e of [...groupExprs, ...(query.having ? [query.having] : [])]) rejectWindowBounds(e);
  const groupCompiled = groupExprs.map((g) => compile(g, scope, 'GROUP BY'));

  // --- aggregate calls -----------------------------------------------------------------------
  const aggIndex = new Map<string, number>();
  const aggregates: AggregateCall[] = [];
  const aggTypes: SqlType[] = [];
  const aggTexts: string[] = [];
  const collect = (e: Expression): void => {
    if (isAggregate(e)) {
      for (const a of e.args) rejectWindowBounds(a);
      for (const a of e.args) {
        const nested = findAggregate(a, isAggregate);
        if (nested) {
          throw new KsqlError(`Aggregate functions can not be nested: ${formatExpression(e)}`, e.pos);
        }
      }
      const key = canon(e);
      if (aggIndex.has(key)) return;
      aggIndex.set(key, aggregates.length);
      aggTexts.push(formatExpression(e, (r) => r.name));
      const call = bindAggregate(e, scope, ctx, compile);
      aggregates.push(call);
      aggTypes.push(call.fn.returnType);
      return;
    }
    for (const c of children(e)) collect(c);
  };
  for (const item of items) collect(item.expression);
  if (query.having) collect(query.having);
  if (aggregates.length === 0) {
    throw new KsqlError(
      'GROUP BY requires aggregate functions in either the SELECT or HAVING clause.',
      query.pos,
    );
  }
  checkIntermediateTypes(aggregates, ctx);
  if (input.kind === 'TABLE') {
    const streamOnly = aggregates.filter((a) => a.fn.undo === undefined).map((a) => a.fn.name);
    if (streamOnly.length > 0) {
      const names = [...new Set(streamOnly)];
      throw new KsqlError(
        names.length === 1
          ? `The aggregation function ${names[0]} cannot be applied to a table source, only to a stream source.`
          : `The aggregation functions ${listText(names)} cannot be applied to a table source, only to a stream source.`,
        query.pos,
      );
    }
  }

  // --- the post-aggregation row --------------------------------------------------------------
  // The post-row columns are named by what they hold (`SUM(V)`, the GROUP BY expression's text),
  // so the expression compiler's messages read as ksqlDB's; the rewritten references use those names.
  const taken = new Set<string>(windowed ? WINDOW_BOUNDS_COLUMNS : []);
  const unique = (text: string): string => {
    let name = text;
    for (let n = 1; taken.has(name); n++) name = `${text}#${n}`;
    taken.add(name);
    return name;
  };
  const groupNames = groupExprs.map((g) => unique(formatExpression(g, (r) => r.name)));
  const aggNames = aggTexts.map(unique);
  const postColumns: { name: string; type: SqlType }[] = [
    ...groupCompiled.map((g, i) => ({ name: groupNames[i]!, type: g.type })),
    ...aggTypes.map((type, j) => ({ name: aggNames[j]!, type })),
    ...(windowed ? WINDOW_BOUNDS_COLUMNS.map((name) => ({ name, type: SqlTypes.BIGINT })) : []),
  ];
  const postScope = namedScope(postColumns);
  // ksqlDB resolves the window bounds of a windowed aggregation over a single source only: over a
  // join, SELECT's WINDOWSTART / WINDOWEND cannot be resolved.
  const boundsInScope = windowed && query.joins.length === 0;
  /** Rewrites onto the post row; column references left over are collected in `uncovered`. */
  const rewrite = (e: Expression, params: ReadonlySet<string>, uncovered: ColumnRef[]): Expression => {
    if (isAggregate(e)) return ref(aggNames[aggIndex.get(canon(e))!]!, e);
    if (e.kind === 'ColumnRef' && params.has(e.name) && e.qualifier === undefined) return e;
    const g = groupIndex.get(canon(e));
    if (g !== undefined && !isLiteral(e)) return ref(groupNames[g]!, e);
    if (e.kind === 'ColumnRef') {
      if (
        boundsInScope &&
        (WINDOW_BOUNDS_COLUMNS as readonly string[]).includes(e.name) &&
        (e.qualifier === undefined || ownNames.has(e.qualifier))
      ) {
        return e.qualifier === undefined ? e : ref(e.name, e);
      }
      uncovered.push(e);
      return e;
    }
    if (e.kind === 'Lambda') {
      const inner = new Set([...params, ...e.params]);
      return { ...e, body: rewrite(e.body, inner, uncovered) };
    }
    return mapChildren(e, (c) => rewrite(c, params, uncovered));
  };

  // --- keys: the SELECT items that repeat a GROUP BY expression --------------------------------
  const keyItems = new Map<number, number[]>();
  items.forEach((item, i) => {
    const g = groupIndex.get(canon(item.expression));
    if (g === undefined) return;
    keyItems.set(g, [...(keyItems.get(g) ?? []), i]);
  });
  const missing: string[] = [];
  const keyAliasGen = selectAliases(
    groupExprs.map((expression) => ({ kind: 'SingleColumn', expression })),
    userColumns,
  );
  const keyNames = groupExprs.map((g, i) => {
    const matches = keyItems.get(i) ?? [];
    if (matches.length > 1) {
      throw new KsqlError(
        `The projection contains a key column more than once: ${matches.map((m) => `\`${aliases[m]}\``).join(' and ')}.`,
        items[matches[1]!]!.pos,
      );
    }
    if (matches.length === 1) return aliases[matches[0]!]!;
    missing.push(formatExpression(g, (r) => r.name));
    return keyAliasGen[i]!;
  });
  const keyItemIndexes = new Set([...keyItems.values()].flat());

  // --- values ---------------------------------------------------------------------------------
  const notGrouped: string[] = [];
  const values: { name: string; compiled: CompiledExpression }[] = [];
  items.forEach((item, i) => {
    if (keyItemIndexes.has(i)) return;
    const uncovered: ColumnRef[] = [];
    const rewritten = rewrite(item.expression, new Set(), uncovered);
    if (uncovered.length > 0) {
      // Type errors and unknown functions come first, as in ksqlDB (the input row has every column).
      if (!findAggregate(item.expression, isAggregate)) compile(item.expression, scope, 'SELECT');
      notGrouped.push(formatExpression(item.expression, (r) => r.name));
      return;
    }
    values.push({ name: aliases[i]!, compiled: compile(rewritten, postScope, 'SELECT') });
  });
  if (notGrouped.length > 0) {
    throw new KsqlError(
      `Non-aggregate SELECT expression(s) not part of GROUP BY: ${notGrouped.join(', ')}\n` +
        'Either add the column(s) to the GROUP BY or remove them from the SELECT.',
      query.pos,
    );
  }
  if (missing.length > 0 && ctx.sinkName !== undefined) {
    const which = missing.length === 1 ? 'expression' : 'expressions';
    throw new KsqlError(
      `The query used to build \`${ctx.sinkName}\` must include the grouping ${which} ${listText(missing)} in its projection (eg, SELECT ${missing.join(', ')}...).`,
      query.pos,
    );
  }
  let having: CompiledExpression | undefined;
  if (query.having) {
    const uncovered: ColumnRef[] = [];
    const rewritten = rewrite(query.having, new Set(), uncovered);
    if (uncovered.length > 0) {
      throw new KsqlError(
        `Non-aggregate HAVING expression not part of GROUP BY: ${[...new Set(uncovered.map((r) => r.name))].join(', ')}`,
        query.having.pos,
      );
    }
    try {
      having = compile(rewritten, postScope, 'HAVING');
    } catch (err) {
      if (!(err instanceof KsqlError) || err.message.includes('HAVING')) throw err;
      const bare = err.position ? err.message.replace(/^line \d+:\d+: /, '') : err.message;
      throw new KsqlError(`Error in HAVING expression: ${bare}`, err.position);
    }
    if (having.type.base !== 'BOOLEAN') {
      throw new KsqlError(
        `Type error in HAVING expression: Should evaluate to boolean but is ${formatExpression(query.having)} (${formatSqlType(having.type)}) instead.`,
        query.having.pos,
      );
    }
  }

  // --- the output schema ------------------------------------------------------------------------
  if (values.length === 0) throw new KsqlError('The projection contains no value columns.', query.pos);
  const keyColumns = keyNames.map((name, i) => ({ name, type: groupCompiled[i]!.type }));
  const valueColumns = values.map((v) => ({ name: v.name, type: v.compiled.type }));
  for (const c of [...keyColumns, ...valueColumns]) {
    if (RESERVED.has(c.name)) {
      throw new KsqlError(
        `Reserved column name in select: \`${c.name}\`. Please remove or alias the column.`,
        query.pos,
      );
    }
  }
  const seen = new Set(keyColumns.map((c) => c.name));
  for (const c of valueColumns) {
    if (seen.has(c.name)) {
      throw new KsqlError(
        `Duplicate value columns found in schema: \`${c.name}\` ${formatSqlType(c.type)}`,
        query.pos,
      );
    }
    seen.add(c.name);
  }

  return {
    groupBy: groupCompiled.map((compiled, i) => ({ compiled, name: keyNames[i]! })),
    groupsByInputKey: groupsByKey(groupExprs, input, scope),
    aggregates,
    having,
    values,
    schema: LogicalSchema.of(keyColumns, valueColumns),
  };
}

/** SELECT items with `*` expanded to the source's key and value columns. */
function expandSelect(
  select: readonly SelectItem[],
  input: PlannedStream,
): (SelectItem & { kind: 'SingleColumn' })[] {
  const out: (SelectItem & { kind: 'SingleColumn' })[] = [];
  for (const item of select) {
    if (item.kind === 'SingleColumn') {
      out.push(item);
      continue;
    }
    if (item.kind === 'StructAll')
      throw new UnsupportedFeatureError('struct->* in an aggregate query', item.pos);
    if (item.qualifier !== undefined && input.sources) {
      throw new UnsupportedFeatureError('source.* in an aggregate query over a join', item.pos);
    }
    const names = [...input.schema.key.map((c) => c.name), ...userValueColumns(input)];
    for (const name of names)
      out.push({ kind: 'SingleColumn', expression: { kind: 'ColumnRef', name, pos: item.pos } });
  }
  return out;
}

/** The input's value columns as the user declared them (no key copies, no pseudo-columns). */
function userValueColumns(input: PlannedStream): string[] {
  const hidden = new Set<string>([
    ...input.schema.key.map((c: Column) => c.name),
    ...PSEUDO_COLUMNS,
    ...(input.window ? WINDOW_BOUNDS_COLUMNS : []),
  ]);
  return input.schema.value.filter((c) => !hidden.has(c.name)).map((c) => c.name);
}

function groupsByKey(groupExprs: readonly Expression[], input: PlannedStream, scope: ColumnScope): boolean {
  const key = input.schema.key;
  if (input.window || groupExprs.length !== key.length) return false;
  return groupExprs.every((g, i) => g.kind === 'ColumnRef' && scope.resolve(g)?.name === key[i]!.name);
}

function bindAggregate(
  call: ExpressionOf<'FunctionCall'>,
  scope: ColumnScope,
  ctx: PlanContext,
  compile: Compile,
): AggregateCall {
  // The first argument is always a column argument; trailing literals after it are the
  // function's parameters (TOPK's k, LATEST_BY_OFFSET's n / ignoreNulls).
  let cut = call.args.length;
  while (cut > 1 && literalValue(call.args[cut - 1]!) !== undefined) cut--;
  const args = call.star ? [] : call.args.slice(0, cut).map((a) => compile(a, scope, 'SELECT'));
  const literals = call.star ? [] : call.args.slice(cut).map((a) => literalValue(a)!.value);
  let fn: KsqlAggregateFunction;
  try {
    fn = ctx.functions.resolveAggregate(
      call.name,
      args.map((a) => a.type),
      literals,
      call.pos,
      ctx.properties,
    );
  } catch (err) {
    // A parameter that had to be a literal (n, k, ignoreNulls) was an expression: say so.
    const expression = call.args.slice(1, cut).find((a) => literalValue(a) === undefined);
    if (err instanceof KsqlError && expression) {
      throw new KsqlError(
        `Parameter ${call.args.indexOf(expression) + 1} passed to function ${call.name} must be a literal constant, but was expression: '${formatExpression(expression, (r) => r.name)}'`,
        expression.pos,
      );
    }
    throw err;
  }
  return { fn, args };
}

const RESERVED: ReadonlySet<string> = new Set([...PSEUDO_COLUMNS, ...WINDOW_BOUNDS_COLUMNS]);

function findAggregate(e: Expression, isAggregate: (e: Expression) => boolean): Expression | undefined {
  if (isAggregate(e)) return e;
  for (const c of children(e)) {
    const found = findAggregate(c, isAggregate);
    if (found) return found;
  }
  return undefined;
}

function isLiteral(e: Expression): boolean {
  return literalValue(e) !== undefined;
}

function ref(name: string, at: Expression): ColumnRef {
  return { kind: 'ColumnRef', name, pos: at.pos };
}

function formatRef(r: ColumnRef): string {
  return r.qualifier ? `${r.qualifier}.${r.name}` : r.name;
}

/** `A`, `A and B`, `A, B and C`. */
function listText(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
