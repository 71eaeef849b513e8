import { KsqlError, UnsupportedFeatureError } from '../errors.js';
import type { StatementOf } from '../parser/ast.js';
import { executeCreateAsSelect, executeInsertInto } from './create-as-select.js';
import type { StatementResult } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { planSummary } from './plan-summary.js';
import type { BuiltQuery } from './query-builder.js';
import { planPushQuery } from './transient-query.js';

type QueryDescription = Extract<StatementResult, { kind: 'QueryDescription' }>;

/**
 * EXPLAIN <queryId> describes a running persistent query; EXPLAIN <statement> plans the statement
 * without running it (ksqlDB's QueryDescriptionFactory: the query's statement, result columns,
 * sources, sink, topology, plan summary, properties).
 */
export async function executeExplain(
  ctx: EngineContext,
  stmt: StatementOf<'Explain'>,
  props: Readonly<Record<string, string>>,
): Promise<StatementResult> {
  if (stmt.queryId !== undefined) {
    const q =
      ctx.queries.get(stmt.queryId) ??
      [...ctx.queries.values()].find((x) => x.id.toUpperCase() === stmt.queryId!.toUpperCase());
    if (!q)
      throw new KsqlError(
        `Query with id:${stmt.queryId} does not exist, use SHOW QUERIES to view the full set of queries.`,
      );
    return {
      kind: 'QueryDescription',
      statementText: stmt.text,
      queryId: q.id,
      queryStatement: q.statementText,
      queryType: 'PERSISTENT',
      fields: q.resultSchema?.columns() ?? ctx.metastore.get(q.sinkName)?.schema.columns() ?? [],
      sources: q.sourceNames,
      sinks: [q.sinkName],
      sinkKafkaTopics: [q.sinkTopic],
      windowType: q.windowType,
      overriddenProperties: q.properties,
      consumerGroupId: q.applicationId,
      topology: q.topology.describe().toString(),
      executionPlan: q.executionPlan ?? '',
    };
  }
  const inner = stmt.statement;
  let built: BuiltQuery | undefined;
  let sink: string | undefined;
  if (inner?.kind === 'CreateAsSelect') {
    built = (await executeCreateAsSelect(ctx, inner, props, false)) as BuiltQuery;
    sink = inner.name;
  } else if (inner?.kind === 'InsertInto') {
    built = (await executeInsertInto(ctx, inner, props, false)) as BuiltQuery;
    sink = inner.target;
  } else if (inner?.kind === 'QueryStatement') {
    if (inner.query.emit === undefined)
      throw new UnsupportedFeatureError('EXPLAIN of a pull query', inner.pos);
    const plan = await planPushQuery(ctx, inner.query, props);
    return {
      kind: 'QueryDescription',
      statementText: stmt.text,
      queryStatement: inner.text,
      queryType: 'PUSH',
      fields: plan.schema.columns(),
      sources: [...new Set([inner.query.from.name])],
      sinks: [],
      sinkKafkaTopics: [],
      overriddenProperties: {},
      topology: plan.topology.describe().toString(),
      executionPlan: '',
    } satisfies QueryDescription;
  }
  if (!built || !inner || sink === undefined)
    throw new KsqlError('The provided statement does not run a ksql query');
  return {
    kind: 'QueryDescription',
    statementText: stmt.text,
    queryStatement: inner.text,
    queryType: 'PERSISTENT',
    fields: built.planned.output.schema.columns(),
    sources: [...new Set(built.planned.sources.map((s) => s.name))],
    sinks: [sink],
    sinkKafkaTopics: [],
    windowType: built.planned.output.window?.type,
    overriddenProperties: {},
    topology: built.topology.describe().toString(),
    executionPlan: planSummary(built.queryId, sink, built.planned),
  };
}
