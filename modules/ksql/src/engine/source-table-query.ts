import { StreamsBuilder } from '@meterstream/streams';
import type { CompiledExpression } from '../expr/compiled.js';
import type { PlanContext } from '../plan/plan-context.js';
import { planProject } from '../plan/project-step.js';
import { planSource, type SourceSerdes } from '../plan/source-step.js';
import type { DataSource } from './data-source.js';
import { applicationIdOf, type EngineContext } from './engine-context.js';
import { ProcessingLogChannel } from './processing-log.js';
import { materializeForPull } from './pull-materialization.js';
import type { BuiltQuery } from './query-builder.js';

/**
 * The query ksqlDB runs for `CREATE SOURCE TABLE` (`CST_<NAME>_<n>`): it reads the topic into the
 * table's state (KsqlTopic-Reduce) and projects every column, with no sink — the materialized table
 * pull queries read. It takes a number from the engine's query-id counter like any other query.
 */
export async function buildSourceTableQuery(
  ctx: EngineContext,
  source: DataSource,
  props: Readonly<Record<string, string>>,
): Promise<BuiltQuery> {
  const queryId = `CST_${source.name.toUpperCase()}_${ctx.queryCounter}`;
  const applicationId = applicationIdOf(ctx.serviceId, queryId);
  // Persistent queries keep their stores where the host says (memory, or Redis).
  const builder = new StreamsBuilder({ storeBackend: ctx.options.storeBackend });
  const processingLog = new ProcessingLogChannel();
  const planCtx: PlanContext = {
    builder,
    queryId,
    applicationId,
    functions: ctx.functions,
    formats: ctx.formats,
    properties: props,
    internalKeyFormat: source.keyFormat,
    internalValueFormat: source.valueFormat,
    processingLog,
  };
  const sourceSerdes = new Map<string, SourceSerdes>();
  const planned = await planSource(source, planCtx, (topic, serdes) => sourceSerdes.set(topic, serdes));
  // The source's value columns come first in its rows (planned-stream.ts): project them as they are.
  const values = source.schema.value.map(
    (c, i): CompiledExpression => ({ type: c.type, evaluate: (row) => row[i] ?? null }),
  );
  const output = planProject(planned, { schema: source.schema, values });
  const pullStore = materializeForPull(output);
  return {
    pullStore,
    queryId,
    applicationId,
    planned: { output, sources: [source] },
    topology: builder.build(),
    sourceSerdes,
    processingLog,
  };
}
