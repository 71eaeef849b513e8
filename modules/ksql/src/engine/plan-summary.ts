import type { PlannedQuery } from '../plan/query-planner.js';
import type { LogicalSchema } from '../schema/logical-schema.js';
import { formatSqlType } from '../types/sql-type.js';

/** `ID STRING KEY, N BIGINT` — a schema as ksqlDB's plan summary writes it. */
export function schemaText(schema: LogicalSchema): string {
  return [
    ...schema.key.map((c) => `${c.name} ${formatSqlType(c.type)} KEY`),
    ...schema.value.map((c) => `${c.name} ${formatSqlType(c.type)}`),
  ].join(', ');
}

/**
 * The `executionPlan` text of EXPLAIN (ksqlDB's PlanSummary): one line per step, the sink first,
 * each step's inputs indented under it. Our planner compiles its steps into the topology as it
 * goes and keeps only the query's sources and output, so the summary shows those steps: SINK, the
 * output step (PROJECT, or AGGREGATE for an aggregation — its schema is the result's, where
 * ksqlDB shows its internal columns), JOIN for a join, and a SOURCE per input; filters, GROUP BY
 * and PARTITION BY steps are in the topology (`topology`), not listed here.
 */
export function planSummary(queryId: string, sinkName: string, planned: PlannedQuery): string {
  const line = (depth: number, step: string, schema: LogicalSchema, logger: string) =>
    `${'\t\t'.repeat(depth)} > [ ${step} ] | Schema: ${schemaText(schema)} | Logger: ${queryId}.${logger}\n`;
  const out = planned.output.schema;
  const aggregate = planned.selectOrder === undefined;
  let text = line(0, 'SINK', out, sinkName);
  text += aggregate ? line(1, 'AGGREGATE', out, 'Aggregate.Aggregate') : line(1, 'PROJECT', out, 'Project');
  const sources = planned.sources;
  if (sources.length > 1) {
    text += line(2, 'JOIN', out, 'Join');
    for (const s of sources) text += line(3, 'SOURCE', s.schema, `KafkaTopic_${s.name}.Source`);
  } else {
    for (const s of sources) text += line(2, 'SOURCE', s.schema, 'KsqlTopic.Source');
  }
  return text;
}
