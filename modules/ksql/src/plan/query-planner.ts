import type { DataSource } from '../engine/data-source.js';
import { KsqlError, type SourcePosition, UnsupportedFeatureError } from '../errors.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { ColumnRef, Expression, Query } from '../parser/ast.js';
import type { Column } from '../schema/logical-schema.js';
import { planAggregation } from './aggregate-step.js';
import { createColumnScope } from './column-scope.js';
import { formatExpression } from './expression-text.js';
import { planFilter } from './filter-step.js';
import { checkOperandSources } from './join-criteria.js';
import { innermostJoinStart } from './join-node-names.js';
import { joinPrefix, planJoin } from './join-step.js';
import { checkKeyTypes } from './key-types.js';
import { planPartitionBy } from './partition-by-step.js';
import type { PlanContext } from './plan-context.js';
import type { PlannedStream } from './planned-stream.js';
import { planProject } from './project-step.js';
import { analyzeProjection, type ColumnSource, type KeyBinding, type StarItem } from './projection.js';
import { type SourceSerdes, planSource } from './source-step.js';
import { RESERVED_COLUMN_NAMES } from './source-schema.js';
import { unusedSourceColumns } from './column-usage.js';
import { planTableFunctions, tableFunctionCalls } from './table-function-step.js';

export interface QueryPlanOptions {
  /** Finds a source by name; undefined when there is none. */
  readonly source: (name: string) => DataSource | undefined;
  /** The sink's name for CREATE … AS SELECT / INSERT INTO (persistent-query projection rules). */
  readonly sinkName?: string;
  /** CREATE … AS: the sink's TIMESTAMP column as resolved from WITH. */
  readonly timestampColumn?: string;
  /** INSERT INTO: the target's value columns, for implicit numeric casts. */
  readonly coerceTo?: readonly Column[];
  /** Told of every source topic's serdes (so the host can prefetch schemas). */
  readonly onSourceSerdes?: (topic: string, serdes: SourceSerdes) => void;
}

export interface PlannedQuery {
  /** The output: schema = the query's result (key + projected value columns). */
  readonly output: PlannedStream;
  /** The sources read, FROM first. */
  readonly sources: readonly DataSource[];
  /**
   * The SELECT items as output columns, in order (transient queries return exactly these);
   * undefined for aggregations, whose output is the key columns then the values.
   */
  readonly selectOrder?: readonly ColumnSource[];
}

/**
 * Plans a SELECT onto the context's StreamsBuilder, in ksqlDB's step order: sources (and joins),
 * WHERE, then either the aggregation (GROUP BY / aggregate calls / WINDOW / HAVING, by
 * planAggregation) or PARTITION BY and the projection. The sink is left to the caller.
 */
export async function planQuery(
  query: Query,
  ctx: PlanContext,
  options: QueryPlanOptions,
): Promise<PlannedQuery> {
  if (ctx.properties['ksql.new.query.planner.enabled'] === 'true') {
    throw new UnsupportedFeatureError('ksql.new.query.planner.enabled', query.pos);
  }
  // With aggregate calls the aggregation's analysis reports what is wrong; without, ksqlDB says this.
  if (query.window && !query.groupBy && !hasAggregateCalls(query, ctx.functions)) {
    throw new KsqlError('WINDOW clause requires a GROUP BY clause.', query.window.pos);
  }
  const from = requireSource(query.from.name, query.from.pos, options);
  if (options.sinkName !== undefined && from.type === 'TABLE' && from.window) {
    throw new KsqlError('KSQL does not support persistent queries on windowed tables.', query.from.pos);
  }
  const sources: DataSource[] = [from];
  const fromAlias = query.from.alias ?? from.name;
  // ksqlDB resolves every source of FROM, then checks every ON clause, before planning a join.
  const rightSources = query.joins.map((j) => requireSource(j.right.name, j.right.pos, options));
  checkOperandSources(
    query.joins,
    new Set([fromAlias, ...query.joins.map((j) => j.right.alias ?? j.right.name)]),
  );
  const joins = query.joins.length;
  let planned = await planSource(
    from,
    ctx,
    options.onSourceSerdes,
    joins === 0 ? 'KsqlTopic' : `${joinPrefix(0, joins)}KafkaTopic_Left`,
    unusedSourceColumns(query, from),
  );
  // A left-deep chain: each join's left side is the result so far (ksqlDB names a chain's inner
  // joins' internal topics with `L_` prefixes, and reports the last right source's partitions).
  let leftPartitions = from.partitions;
  // ksqlDB names a chain's left side after its leftmost source in messages.
  const leftName = from.name;
  for (const [i, join] of query.joins.entries()) {
    const right = requireSource(join.right.name, join.right.pos, options);
    if (sources.some((s) => s.name === right.name)) {
      throw new KsqlError(
        joins === 1
          ? `Can not join '${from.name}' to '${right.name}': self joins are not yet supported.`
          : `N-way joins do not support multiple occurrences of the same source. Source: '${right.name}'`,
        join.right.pos,
      );
    }
    sources.push(right);
    const rightPlanned = await planSource(
      right,
      ctx,
      options.onSourceSerdes,
      `${joinPrefix(i, joins)}KafkaTopic_Right`,
    );
    planned = await planJoin(
      {
        alias: fromAlias,
        planned,
        sourceName: leftName,
        partitions: leftPartitions,
        keyFormat: i === 0 ? from.keyFormat : undefined,
        sourceKeyFormats: sources.slice(0, -1).map((s) => s.keyFormat),
      },
      {
        alias: join.right.alias ?? right.name,
        planned: rightPlanned,
        sourceName: right.name,
        partitions: right.partitions,
        keyFormat: right.keyFormat,
      },
      join,
      ctx,
      {
        select: query.select,
        prefix: joinPrefix(i, query.joins.length),
        nodeIndexStart: i === 0 ? innermostJoinStart(from, rightSources) : undefined,
      },
    );
    leftPartitions = right.partitions;
  }
  // A join keyed by a MAP (or a type holding one) is refused under the join's key name (L_L0).
  if (query.joins.length > 0) checkKeyTypes(planned.schema.key);
  const aliases = [fromAlias];
  const byAlias = new Map<string, DataSource>([[fromAlias, from]]);
  for (const [i, j] of query.joins.entries())
    byAlias.set(j.right.alias ?? sources[i + 1].name, sources[i + 1]);
  if (query.where) planned = planFilter(planned, query.where, aliases, ctx.functions);

  const tableCalls = tableFunctionCalls(query.select, ctx.functions);
  if (tableCalls.length > 0 && isAggregate(query, ctx.functions)) {
    throw new KsqlError('Table functions cannot be used with aggregations.');
  }
  let select = query.select;
  if (tableCalls.length > 0) {
    ({ planned, select } = planTableFunctions(planned, select, tableCalls, aliases, ctx.functions));
  }

  if (isAggregate(query, ctx.functions)) {
    const kafkaValued = sources.filter((s) => s.valueFormat.name === 'KAFKA').map((s) => s.name);
    if (query.groupBy && kafkaValued.length > 0) {
      throw new KsqlError(
        `Source(s) ${kafkaValued.join(', ')} are using the 'KAFKA' value format. This format does not yet support GROUP BY.`,
      );
    }
    if (query.partitionBy)
      throw new KsqlError(
        'PARTITION BY and GROUP BY in the same query is not supported.',
        query.partitionBy[0]?.pos,
      );
    return { output: await planAggregation(planned, query, ctx), sources };
  }

  let keys: KeyBinding[];
  // `*` is the key then the value columns of the schema SELECT sees: the source's, or after
  // PARTITION BY the new key, then the source's value and old key columns not now in the key.
  let starColumns: StarItem[] = [...from.schema.key, ...from.schema.value].map((c) => ({
    expression: { kind: 'ColumnRef', name: c.name },
  }));
  if (query.partitionBy) {
    const exprs = query.partitionBy;
    planned = planPartitionBy(planned, exprs, aliases, ctx.functions);
    const byNull = exprs.length === 1 && exprs[0].kind === 'NullLiteral';
    const qualify = planned.sources ? undefined : () => fromAlias;
    keys = byNull
      ? []
      : exprs.map((e) => ({
          expressions: [e],
          what: 'partitioning expression',
          texts: [formatExpression(e, qualify)],
        }));
    const keyed = new Set(exprs.flatMap((e) => (e.kind === 'ColumnRef' ? [e.name] : [])));
    const partitioned = planned.schema.key;
    const keyItems = byNull
      ? []
      : exprs.map((e, i): StarItem => ({ expression: e, alias: partitioned[i].name }));
    if (planned.sources) {
      // After a join, `*` is every joined column but the new key, each source's in ksqlDB's row
      // order: value columns, pseudo-columns, then its key columns.
      const keyNames = new Set(partitioned.map((k) => k.name));
      starColumns = [
        ...keyItems,
        ...planned.sources.flatMap((src) =>
          joinedRowOrder(src.columns, byAlias.get(src.alias))
            .filter((c) => !keyNames.has(`${src.alias}_${c}`))
            .map(
              (c): StarItem => ({
                expression: { kind: 'ColumnRef', name: c, qualifier: src.alias },
                alias: `${src.alias}_${c}`,
              }),
            ),
        ),
      ];
    } else {
      starColumns = [
        ...keyItems,
        ...[...from.schema.value, ...from.schema.key]
          .filter((c) => !keyed.has(c.name))
          .map((c): StarItem => ({ expression: { kind: 'ColumnRef', name: c.name } })),
      ];
    }
  } else if (planned.sources) {
    keys = joinKeyBindings(
      planned,
      (alias) => byAlias.get(alias)?.name ?? alias,
      query.joins[query.joins.length - 1]?.type === 'FULL',
    );
  } else {
    keys = planned.schema.key.map((k) => {
      const ref: ColumnRef = { kind: 'ColumnRef', name: k.name };
      return { expressions: [ref], what: 'key column', texts: [k.name] };
    });
  }

  const scope = createColumnScope(planned.schema.value, { aliases, sources: planned.sources });
  const joined = planned.sources;
  const projection = analyzeProjection({
    select,
    scope,
    star: (qualifier, pos) => {
      if (joined && query.partitionBy && qualifier === undefined) return starColumns;
      if (joined) {
        const chosen = qualifier === undefined ? joined : joined.filter((s) => s.alias === qualifier);
        if (chosen.length === 0)
          throw new KsqlError(
            `Failed to prepare statement: '${qualifier}' is not a valid stream/table name or alias.`,
            pos,
          );
        const items = chosen.flatMap((s) =>
          starOrder(s.columns, byAlias.get(s.alias)).map(
            (c): StarItem => ({
              expression: { kind: 'ColumnRef', name: c, qualifier: s.alias, pos },
              alias: `${s.alias}_${c}`,
            }),
          ),
        );
        // A synthetic join key (FULL OUTER joins: ROWKEY) is no source's column: `*` starts with it.
        const owned = new Set(joined.flatMap((s) => s.columns.map((c) => `${s.alias}_${c}`)));
        const synthetic = qualifier === undefined ? planned.schema.key.filter((k) => !owned.has(k.name)) : [];
        return [
          ...synthetic.map((k): StarItem => ({ expression: { kind: 'ColumnRef', name: k.name, pos } })),
          ...items,
        ];
      }
      if (qualifier !== undefined && qualifier !== fromAlias) {
        throw new KsqlError(
          `Failed to prepare statement: '${qualifier}' is not a valid stream/table name or alias.`,
          pos,
        );
      }
      return starColumns;
    },
    rowColumns: planned.schema.value,
    keyColumns: planned.schema.key,
    keys,
    functions: ctx.functions,
    sinkName: options.sinkName,
    timestampColumn: options.timestampColumn,
    coerceTo: options.coerceTo,
    joinColumnName: joined ? (ref) => joinColumnName(joined, ref) : undefined,
  });
  return { output: planProject(planned, projection), sources, selectOrder: projection.selectOrder };
}

/** What the join step records about a join result's key (see planned-stream.ts, added by the join step). */
interface JoinKeyView {
  readonly viable: readonly { readonly alias: string; readonly column: string }[];
}

function joinKeyOf(planned: PlannedStream): JoinKeyView | undefined {
  return (planned as { joinKey?: JoinKeyView }).joinKey;
}

/**
 * After a join the key may be selected as any source column equal to it (`L.A` or `R.A`); with
 * none (FULL OUTER on an expression) only as the synthetic key column itself (ROWKEY).
 */
function joinKeyBindings(
  planned: PlannedStream,
  tableOf: (alias: string) => string,
  lastJoinFull: boolean,
): KeyBinding[] {
  const viable = joinKeyOf(planned)?.viable ?? [];
  // A foreign-key join's key is the left table's primary key: one viable column per key column.
  const fk =
    planned.kind === 'TABLE' &&
    viable.length === planned.schema.key.length &&
    viable.length > 0 &&
    viable.every((v) => v.alias === viable[0].alias) &&
    (planned.sources?.length ?? 0) > 1;
  if (fk) {
    return planned.schema.key.map((k, i) => ({
      expressions: [
        { kind: 'ColumnRef', name: k.name },
        { kind: 'ColumnRef', name: viable[i].column, qualifier: viable[i].alias },
      ],
      what: 'foreign-key join key',
      texts: [viable[i].column],
      table: tableOf(viable[i].alias),
    }));
  }
  return planned.schema.key.map((k) => {
    // The join step names the key after the viable column the SELECT picks (or ROWKEY): that item
    // carries the key; other columns equal to it (`R.A` beside `L.A`) are ordinary values.
    const own: ColumnRef = { kind: 'ColumnRef', name: k.name };
    if (viable.length === 0) {
      return {
        expressions: [own],
        what: 'join expression',
        texts: [k.name],
        synthetic: lastJoinFull ? 'full' : 'expression',
      };
    }
    return {
      expressions: [own],
      what: 'join expression',
      texts: viable.map((v) => `${v.alias}.${v.column}`),
    };
  });
}

/** A joined source's columns as ksqlDB's rows hold them: value columns, pseudo-columns, key columns. */
function joinedRowOrder(columns: readonly string[], source: DataSource | undefined): string[] {
  const keys = new Set(source?.schema.key.map((c) => c.name) ?? []);
  const pseudo = columns.filter((c) => RESERVED_COLUMN_NAMES.has(c));
  const key = columns.filter((c) => keys.has(c) && !RESERVED_COLUMN_NAMES.has(c));
  const value = columns.filter((c) => !keys.has(c) && !RESERVED_COLUMN_NAMES.has(c));
  return [...value, ...pseudo, ...key];
}

/** `*` lists a source's key columns, then its value columns (the row holds the value columns first). */
/**
 * A joined source's columns for `*` (ksqlDB's PlanNode.orderColumns): its key columns, then — for
 * a windowed source — WINDOWSTART and WINDOWEND, then its value columns; no other pseudo-columns.
 */
function starOrder(columns: readonly string[], source: DataSource | undefined): string[] {
  const bounds = source?.window ? ['WINDOWSTART', 'WINDOWEND'].filter((c) => columns.includes(c)) : [];
  const ordered = source
    ? [...source.schema.key, ...source.schema.value].map((c) => c.name).filter((c) => columns.includes(c))
    : [];
  const rest = columns.filter((c) => !ordered.includes(c) && !RESERVED_COLUMN_NAMES.has(c));
  const keys = source ? source.schema.key.map((c) => c.name).filter((c) => columns.includes(c)) : [];
  const values = ordered.filter((c) => !keys.includes(c) && !RESERVED_COLUMN_NAMES.has(c));
  return [...keys, ...bounds, ...values, ...rest];
}

/** An unaliased column after a join: its name, or `<ALIAS>_<NAME>` when several sources have that name. */
function joinColumnName(
  sources: readonly { alias: string; columns: readonly string[] }[],
  ref: ColumnRef,
): string {
  if (ref.qualifier === undefined && RESERVED_COLUMN_NAMES.has(ref.name)) return ref.name;
  const owners = sources.filter((s) => s.columns.includes(ref.name));
  if (owners.length <= 1 && !(owners.length === 0 && ref.qualifier)) return ref.name;
  return `${ref.qualifier ?? owners[0].alias}_${ref.name}`;
}

function requireSource(name: string, pos: SourcePosition | undefined, options: QueryPlanOptions): DataSource {
  const source = options.source(name);
  if (!source) throw new KsqlError(`${name} does not exist.`, pos);
  return source;
}

/** Whether the query aggregates: GROUP BY, WINDOW, HAVING, or an aggregate call in SELECT. */
export function isAggregate(query: Query, functions: FunctionRegistry): boolean {
  if (query.groupBy || query.window || query.having) return true;
  return hasAggregateCalls(query, functions);
}

function hasAggregateCalls(query: Query, functions: FunctionRegistry): boolean {
  return query.select.some((s) => s.kind === 'SingleColumn' && hasAggregateCall(s.expression, functions));
}

function hasAggregateCall(e: Expression, functions: FunctionRegistry): boolean {
  let found = false;
  const visit = (x: unknown): void => {
    if (found || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    const node = x as { kind?: string; name?: string };
    if (node.kind === 'FunctionCall' && node.name && functions.isAggregate(node.name)) {
      found = true;
      return;
    }
    for (const [k, v] of Object.entries(x)) if (k !== 'pos') visit(v);
  };
  visit(e);
  return found;
}
