import type { PersistentQuery } from './engine-api.js';
import type { EngineContext, RegisteredQuery } from './engine-context.js';
import { planSummary } from './plan-summary.js';
import type { BuiltQuery } from './query-builder.js';
import { queryStreamsProperties } from './streams-properties.js';

/** Makes a built query live: registry, metastore links, listeners. */
export function registerQuery(
  ctx: EngineContext,
  built: BuiltQuery,
  statementText: string,
  sinkName: string,
  sinkTopic: string,
  props: Readonly<Record<string, string>>,
  createAs: boolean,
): RegisteredQuery {
  const sourceNames = [...new Set(built.planned.sources.map((s) => s.name))];
  const serdes = built.sourceSerdes;
  const query: RegisteredQuery = {
    id: built.queryId,
    statementText,
    sinkName,
    sinkTopic,
    sourceNames,
    applicationId: built.applicationId,
    topology: built.topology,
    properties: queryStreamsProperties(props, built.applicationId),
    createAs,
    pullStore: built.pullStore,
    resultSchema: built.planned.output.schema,
    windowType: built.planned.output.window?.type,
    executionPlan: planSummary(built.queryId, sinkName, built.planned),
    processingLog: built.processingLog,
    prefetch: async (topic, part, payloads) => {
      const s = serdes.get(topic);
      const serde = part === 'key' ? s?.key : s?.value;
      if (serde?.prefetch) await serde.prefetch(payloads);
    },
  };
  const replaced = ctx.queries.get(query.id);
  if (replaced) {
    ctx.metastore.unlinkQuery(query.id);
    for (const l of ctx.listeners) l.queryTerminated?.(query.id);
  }
  ctx.queries.set(query.id, query);
  ctx.metastore.linkQuery(query.id, sourceNames, sinkName);
  for (const l of ctx.listeners) l.queryCreated?.(query as PersistentQuery);
  return query;
}

/** Stops a query: out of the registry and the metastore links; listeners told. */
export function terminateQuery(ctx: EngineContext, queryId: string): void {
  if (!ctx.queries.delete(queryId)) return;
  ctx.metastore.unlinkQuery(queryId);
  for (const l of ctx.listeners) l.queryTerminated?.(queryId);
}
