import { type KStream, StreamsBuilder, type Topology } from '@meterstream/streams';
import { UnsupportedFeatureError } from '../errors.js';
import type { Query } from '../parser/ast.js';
import type { PlanContext } from '../plan/plan-context.js';
import { planQuery } from '../plan/query-planner.js';
import type { SourceSerdes } from '../plan/source-step.js';
import type { ColumnSource } from '../plan/projection.js';
import type { Column, GenericRow, LogicalSchema } from '../schema/logical-schema.js';
import type { EngineContext } from './engine-context.js';
import { type ProcessingLog, ProcessingLogChannel } from './processing-log.js';
import { type PullQueryPlan, planPullQuery } from './pull-query.js';
import { checkStreamPullQuery, streamPullProperties } from './stream-pull-query.js';

/** A planned push query (`SELECT … EMIT CHANGES`): the host runs `topology` and reads `rows`. */
export interface TransientQueryPlan {
  readonly id: string;
  readonly applicationId: string;
  readonly schema: LogicalSchema;
  /** The result's columns, in SELECT order (what a push query returns: exactly the SELECT items). */
  readonly columns: readonly Column[];
  /** Where each of `columns` is in a record of `rows`: the key's column `index`, or the value's. */
  readonly layout: readonly ColumnSource[];
  /** LIMIT: the host stops after this many rows. */
  readonly limit?: number;
  readonly topology: Topology;
  /** The result rows (key, projected value, timestamp) as the topology emits them. */
  readonly rows: ResultRows;
  /** Its processing log: the host attaches a listener to hear of the source records it skips. */
  readonly processingLog?: ProcessingLog;
  /**
   * Set on a pull query against a stream (`SELECT … FROM stream` without EMIT, ksqlDB ≥ 0.23): the
   * host reads `topic` from its beginning up to the end offsets taken when the query starts, feeds
   * the records through `topology`, then completes (see stream-pull-query.ts).
   */
  readonly streamScan?: { readonly topic: string };
  /** As PersistentQuery.prefetch: writer schemas a batch of a source topic needs, fetched first. */
  readonly prefetch?: (
    topic: string,
    part: 'key' | 'value',
    payloads: Iterable<Buffer | null>,
  ) => Promise<void>;
}

/** An rxjs Observable of the result (the streams library's toObservable; rxjs is not our dependency). */
export type ResultRows = ReturnType<KStream<unknown, GenericRow | null>['toObservable']>;

/** Plans a push query (EMIT CHANGES); a pull query (no EMIT) is planned by pull-query.ts. */
export async function planTransientQuery(
  ctx: EngineContext,
  query: Query,
  props: Readonly<Record<string, string>>,
): Promise<TransientQueryPlan | PullQueryPlan> {
  if (query.emit === undefined) {
    const from = ctx.metastore.get(query.from.name);
    if (from?.type !== 'STREAM') return planPullQuery(ctx, query, props);
    // A pull query on a stream is the push query over the same SELECT, read from the beginning and
    // bounded by the host at the topic's current end (as ksqlDB's stream pull queries).
    checkStreamPullQuery(query, props);
    const plan = await planPushQuery(ctx, { ...query, emit: 'CHANGES' }, streamPullProperties(props));
    return { ...plan, streamScan: { topic: from.topic } };
  }
  if (query.emit !== 'CHANGES')
    throw new UnsupportedFeatureError('EMIT FINAL in transient queries', query.pos);
  return planPushQuery(ctx, query, props);
}

/** Plans a push query (`SELECT … EMIT CHANGES`). */
export async function planPushQuery(
  ctx: EngineContext,
  query: Query,
  props: Readonly<Record<string, string>>,
): Promise<TransientQueryPlan> {
  const id = `transient_${query.from.alias ?? query.from.name}_${++ctx.transientCounter}`;
  const applicationId = `_confluent-ksql-${ctx.serviceId}${id}`;
  const from = ctx.metastore.get(query.from.name);
  const builder = new StreamsBuilder();
  const processingLog = new ProcessingLogChannel();
  const planCtx: PlanContext = {
    builder,
    queryId: id,
    applicationId,
    functions: ctx.functions,
    formats: ctx.formats,
    properties: props,
    internalKeyFormat: from?.keyFormat ?? { name: 'KAFKA', properties: {} },
    internalValueFormat: from?.valueFormat ?? { name: 'JSON', properties: {} },
    processingLog,
  };
  const sourceSerdes = new Map<string, SourceSerdes>();
  const { output, selectOrder } = await planQuery(query, planCtx, {
    source: (n) => ctx.metastore.get(n),
    onSourceSerdes: (topic, serdes) => sourceSerdes.set(topic, serdes),
  });
  const stream = output.kind === 'STREAM' ? output.stream : output.table.toStream();
  const rows = (stream as KStream<unknown, GenericRow | null>).toObservable();
  const key = output.schema.key;
  const layout: readonly ColumnSource[] = selectOrder ?? [
    ...key.map((_, index) => ({ part: 'KEY' as const, index })),
    ...output.schema.value.map((_, index) => ({ part: 'VALUE' as const, index })),
  ];
  return {
    id,
    applicationId,
    schema: output.schema,
    columns: layout.map((c) => (c.part === 'KEY' ? key[c.index] : output.schema.value[c.index]) as Column),
    layout,
    limit: query.limit,
    topology: builder.build(),
    rows,
    processingLog,
    prefetch: async (topic, part, payloads) => {
      const s = sourceSerdes.get(topic);
      const serde = part === 'key' ? s?.key : s?.value;
      if (serde?.prefetch) await serde.prefetch(payloads);
    },
  };
}
