import { StreamsBuilder, type Topology } from '@meterstream/streams';
import type { FormatInfo } from '../format/format.js';
import type { Query } from '../parser/ast.js';
import type { Column } from '../schema/logical-schema.js';
import type { PlanContext } from '../plan/plan-context.js';
import type { PlannedStream } from '../plan/planned-stream.js';
import { type PlannedQuery, planQuery } from '../plan/query-planner.js';
import { type SinkSpec, planSink } from '../plan/sink-step.js';
import type { SourceSerdes } from '../plan/source-step.js';
import type { DataSource } from './data-source.js';
import { applicationIdOf, type EngineContext } from './engine-context.js';
import { materializeForPull } from './pull-materialization.js';
import { ProcessingLogChannel } from './processing-log.js';
import { formatName } from './with-properties.js';

export interface BuiltQuery {
  readonly queryId: string;
  readonly applicationId: string;
  readonly planned: PlannedQuery;
  readonly topology: Topology;
  readonly sourceSerdes: ReadonlyMap<string, SourceSerdes>;
  /** The store pull queries read (a table-producing query), see pull-materialization.ts. */
  readonly pullStore?: string;
  readonly processingLog: ProcessingLogChannel;
}

/**
 * Plans one persistent query on a fresh StreamsBuilder: the SELECT, then the sink `sinkOf`
 * chooses once the output is known (CREATE … AS derives formats from the result; INSERT INTO
 * uses the target's). Nothing is registered here — the caller commits the result.
 */
export async function buildPersistentQuery(
  ctx: EngineContext,
  query: Query,
  queryId: string,
  sinkName: string,
  props: Readonly<Record<string, string>>,
  sinkOf: (output: PlannedStream, from: DataSource) => Promise<SinkSpec>,
  coerceTo?: readonly Column[],
  timestampColumn?: string,
  /** CREATE TABLE … AS: keep the result table in a store for pull queries. */
  materialize = false,
): Promise<BuiltQuery> {
  const applicationId = applicationIdOf(ctx.serviceId, queryId);
  const from = ctx.metastore.get(query.from.name);
  const internal: { key: FormatInfo; value: FormatInfo } = from
    ? { key: from.keyFormat, value: from.valueFormat }
    : { key: { name: 'KAFKA', properties: {} }, value: { name: 'JSON', properties: {} } };
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
    // A keyless source (NONE) still needs a key format once a query keys its rows (joins, GROUP BY).
    internalKeyFormat:
      internal.key.name === 'NONE'
        ? { name: formatName(props['ksql.persistence.default.format.key'] ?? 'KAFKA'), properties: {} }
        : stripSchemaProps(internal.key),
    internalValueFormat: stripSchemaProps(internal.value),
    sinkName,
    processingLog,
  };
  const sourceSerdes = new Map<string, SourceSerdes>();
  const planned = await planQuery(query, planCtx, {
    source: (n) => ctx.metastore.get(n),
    sinkName,
    coerceTo,
    timestampColumn,
    onSourceSerdes: (topic, serdes) => sourceSerdes.set(topic, serdes),
  });
  const sink = await sinkOf(planned.output, planned.sources[0]);
  await planSink(planned.output, sink, planCtx);
  // After the sink, so the query's own node names and order are ksqlDB's.
  const pullStore = materialize ? materializeForPull(planned.output) : undefined;
  return {
    queryId,
    applicationId,
    planned,
    topology: builder.build(),
    sourceSerdes,
    pullStore,
    processingLog,
  };
}

/** Internal topics get the source's formats but not its schema id / name (ksqlDB drops them too). */
function stripSchemaProps(f: FormatInfo): FormatInfo {
  const { schemaId: _id, fullSchemaName: _name, ...rest } = f.properties;
  return { name: f.name, properties: rest };
}
