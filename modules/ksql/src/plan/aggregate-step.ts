import {
  type KGroupedStream,
  type KStream,
  type KTable,
  type Serde,
  SessionWindows,
  Suppressed,
  type Windowed,
} from '@meterstream/streams';
import { KsqlError, UnsupportedFeatureError } from '../errors.js';
import { type CompiledExpression, EvaluationError } from '../expr/compiled.js';
import type { Query } from '../parser/ast.js';
import type { GenericKey, GenericRow } from '../schema/logical-schema.js';
import { compileExpression } from '../expr/compile.js';
import { type AggregateAnalysis, analyzeAggregation, type Compile } from './aggregate-analysis.js';
import { aggregateDataSerde } from './aggregate-serde.js';
import { type PlannedWindow, planWindow } from './aggregate-windows.js';
import type { PlanContext } from './plan-context.js';
import type { PlannedStream } from './planned-stream.js';

/**
 * Plans an aggregate query's middle: GROUP BY (re-key and repartition), WINDOW, the aggregate
 * calls of SELECT and HAVING, HAVING itself, EMIT FINAL (suppress), then the SELECT projection over
 * the aggregated rows. Input: the (filtered) source stream with pseudo-columns; output: a TABLE
 * whose schema is the query's output schema (key = the GROUP BY columns, value = the projection).
 *
 * The topology, with ksqlDB's node, store and topic names:
 *   Aggregate-GroupBy            evaluates the GROUP BY key and the aggregate arguments of each row
 *                                (rows with a NULL key part are dropped, as ksqlDB does) and, unless
 *                                the input is already keyed so, repartitions through
 *                                `<app>-Aggregate-GroupBy-repartition`
 *   Aggregate-Aggregate-Materialize   the store of the accumulators (one per aggregate call)
 *   Aggregate-Aggregate-Suppress      EMIT FINAL: each window's last update once it closes
 *   Aggregate-Aggregate-ToOutputSchema  accumulators → [keys, results, WINDOWSTART, WINDOWEND]
 *   Aggregate-HavingFilter       HAVING (a row that stops passing becomes a tombstone)
 *   Aggregate-Project            the SELECT items that are not keys
 *
 * Internal data (prepared rows, accumulators) uses one binary serde of the engine's own
 * (aggregate-serde.ts), keys too: a repartition or changelog topic is read only by this query.
 */
export async function planAggregation(
  input: PlannedStream,
  query: Query,
  ctx: PlanContext,
): Promise<PlannedStream> {
  const compile: Compile = (e, scope, clause) => compileExpression(e, scope, ctx.functions, { clause });
  if (input.window) throw new UnsupportedFeatureError('GROUP BY on a windowed source', query.pos);
  const window = query.window ? planWindow(query.window, query.emit === 'FINAL') : undefined;
  if (query.emit === 'FINAL' && !window) {
    throw new KsqlError('EMIT FINAL is only supported for windowed aggregations.', query.pos);
  }
  if (window && input.kind === 'TABLE') {
    throw new KsqlError(
      'WINDOW clause requires a STREAM source; it cannot be applied to a TABLE.',
      query.window?.pos,
    );
  }
  const analysis = analyzeAggregation(input, query, ctx, compile, window !== undefined);
  const fold = foldFunctions(analysis);
  const keySerde = aggregateDataSerde<GenericKey>();
  const rowSerde = aggregateDataSerde<GenericRow>();
  const accSerde = aggregateDataSerde<unknown[]>();
  const materialize = { storeName: 'Aggregate-Aggregate-Materialize', keySerde, valueSerde: accSerde };

  let aggregated: KTable<GenericKey | Windowed<GenericKey>, unknown[]>;
  if (input.kind === 'TABLE') {
    const grouped = input.table.groupBy<GenericKey, GenericRow>(
      (_key, row) => {
        const key = fold.key(row);
        return key === null ? null : [key, fold.prepare(row)];
      },
      { name: 'Aggregate-GroupBy', keySerde, valueSerde: rowSerde },
    );
    aggregated = grouped.aggregate<unknown[]>(
      fold.initialize,
      (_k, row, acc) => fold.add(row, acc),
      (_k, row, acc) => fold.undo(row, acc),
      materialize,
    ) as KTable<GenericKey | Windowed<GenericKey>, unknown[]>;
  } else {
    const grouped = groupStream(input.stream, analysis, fold, keySerde, rowSerde);
    const emitFinal = query.emit === 'FINAL' ? emitIntervalMs(ctx.properties) : undefined;
    aggregated = aggregateStream(grouped, window, fold, materialize, emitFinal);
  }

  let table = aggregated;
  // Tumbling and hopping windows emit final results from the aggregation itself (see
  // aggregateStream); session windows go through suppress.
  if (query.emit === 'FINAL' && window?.windows instanceof SessionWindows) {
    table = table.suppress(
      Suppressed.untilWindowCloses({
        name: 'Aggregate-Aggregate-Suppress',
        keySerde: keySerde as Serde<unknown>,
      }),
    );
  }
  const output = projectAggregates(table, analysis, fold, window);
  return {
    kind: 'TABLE',
    table: output,
    schema: analysis.schema,
    window: window?.info,
    withPseudoColumns: false,
  };
}

/** Kafka's internal emit throttle for ON_WINDOW_CLOSE, settable as a ksql.streams. property. */
const EMIT_INTERVAL_PROPERTY = 'ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__';

/**
 * Kafka's default throttle is 1000 ms of wall-clock time; a test driver's clock does not move by
 * itself, so without the property only the first record looks for closed windows (as in ksqlDB's
 * QTT, whose tests of EMIT FINAL set the property to 0).
 */
function emitIntervalMs(properties: Readonly<Record<string, string>>): number {
  const raw =
    properties[EMIT_INTERVAL_PROPERTY] ?? properties[EMIT_INTERVAL_PROPERTY.slice('ksql.streams.'.length)];
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : 1000;
}

/** Per-record work on the prepared rows and accumulators, set up once. */
interface FoldFunctions {
  /** The GROUP BY key of an input row, or null when a part of it is NULL or fails. */
  key(row: GenericRow): GenericKey | null;
  /** The aggregate arguments of an input row, flat in call order. */
  prepare(row: GenericRow): GenericRow;
  initialize(): unknown[];
  add(prepared: GenericRow, acc: unknown[]): unknown[];
  undo(prepared: GenericRow, acc: unknown[]): unknown[];
  merge(a: unknown[], b: unknown[]): unknown[];
  results(acc: unknown[]): unknown[];
}

function foldFunctions(analysis: AggregateAnalysis): FoldFunctions {
  const groupBy = analysis.groupBy.map((g) => g.compiled);
  const fns = analysis.aggregates.map((a) => a.fn);
  const argExprs = analysis.aggregates.flatMap((a) => a.args);
  const offsets: number[] = [];
  let offset = 0;
  for (const a of analysis.aggregates) {
    offsets.push(offset);
    offset += a.args.length;
  }
  // One argument array per call, refilled for each record (functions do not keep it).
  const scratch = analysis.aggregates.map((a) => new Array<unknown>(a.args.length));
  const fill = (j: number, prepared: GenericRow): unknown[] => {
    const s = scratch[j]!;
    const at = offsets[j]!;
    for (let i = 0; i < s.length; i++) s[i] = prepared[at + i];
    return s;
  };
  const m = fns.length;
  return {
    key(row) {
      const key = new Array<unknown>(groupBy.length);
      for (let i = 0; i < groupBy.length; i++) {
        const v = evaluateOrNull(groupBy[i]!, row);
        // ksqlDB logs and drops a row whose GROUP BY value is NULL or fails to evaluate.
        if (v === null || v === undefined) return null;
        key[i] = v;
      }
      return key;
    },
    prepare(row) {
      const out = new Array<unknown>(argExprs.length);
      for (let i = 0; i < argExprs.length; i++) out[i] = evaluateOrNull(argExprs[i]!, row);
      return out;
    },
    initialize() {
      const acc = new Array<unknown>(m);
      for (let j = 0; j < m; j++) acc[j] = fns[j]!.initialize();
      return acc;
    },
    add(prepared, acc) {
      const out = new Array<unknown>(m);
      for (let j = 0; j < m; j++) out[j] = fns[j]!.aggregate(fill(j, prepared), acc[j]);
      return out;
    },
    undo(prepared, acc) {
      const out = new Array<unknown>(m);
      for (let j = 0; j < m; j++) out[j] = fns[j]!.undo!(fill(j, prepared), acc[j]);
      return out;
    },
    merge(a, b) {
      const out = new Array<unknown>(m);
      for (let j = 0; j < m; j++) out[j] = fns[j]!.merge(a[j], b[j]);
      return out;
    },
    results(acc) {
      const out = new Array<unknown>(m);
      for (let j = 0; j < m; j++) out[j] = fns[j]!.result(acc[j]);
      return out;
    },
  };
}

/** Aggregate-GroupBy on a stream: re-key (repartitioned) unless already keyed by the GROUP BY. */
function groupStream(
  stream: KStream<GenericKey | Windowed<GenericKey>, GenericRow>,
  analysis: AggregateAnalysis,
  fold: FoldFunctions,
  keySerde: Serde<GenericKey>,
  rowSerde: Serde<GenericRow>,
): KGroupedStream<GenericKey, GenericRow> {
  const input = stream as KStream<GenericKey, GenericRow>;
  if (analysis.groupsByInputKey) {
    // The key is already the GROUP BY key (and partitioned by it): only the arguments are prepared.
    return input
      .filter((key, row) => row !== null && key !== null && !(key as unknown[]).includes(null))
      .mapValues((row) => fold.prepare(row), { name: 'Aggregate-Prepare' })
      .groupByKey({ keySerde, valueSerde: rowSerde });
  }
  return input
    .flatMap<GenericKey, GenericRow>(
      (_key, row) => {
        if (row === null) return [];
        const key = fold.key(row);
        return key === null ? [] : [[key, fold.prepare(row)]];
      },
      { name: 'Aggregate-GroupBy' },
    )
    .groupByKey({ keySerde, valueSerde: rowSerde, name: 'Aggregate-GroupBy' });
}

function aggregateStream(
  grouped: KGroupedStream<GenericKey, GenericRow>,
  window: PlannedWindow | undefined,
  fold: FoldFunctions,
  materialize: { storeName: string; keySerde: Serde<GenericKey>; valueSerde: Serde<unknown[]> },
  emitFinalIntervalMs: number | undefined,
): KTable<GenericKey | Windowed<GenericKey>, unknown[]> {
  const add = (_k: GenericKey, row: GenericRow, acc: unknown[]) => fold.add(row, acc);
  if (!window) {
    return grouped.aggregate(fold.initialize, add, materialize) as KTable<
      GenericKey | Windowed<GenericKey>,
      unknown[]
    >;
  }
  const m = { ...materialize, retentionMs: window.retentionMs };
  if (window.windows instanceof SessionWindows) {
    return grouped
      .windowedBy(window.windows)
      .aggregate(fold.initialize, add, (_k, a, b) => fold.merge(a, b), m) as KTable<
      GenericKey | Windowed<GenericKey>,
      unknown[]
    >;
  }
  // EMIT FINAL on tumbling/hopping windows: ksqlDB (StreamAggregateBuilder) sets Kafka's
  // EmitStrategy.onWindowClose() on the windowed stream rather than a suppress step, so its final
  // results follow KIP-825's emit (wall-clock throttled, expired windows never emitted) — not
  // KTableSuppressProcessor's.
  const windowed = grouped.windowedBy(window.windows);
  const emitting =
    emitFinalIntervalMs === undefined ? windowed : windowed.emitOnWindowClose(emitFinalIntervalMs);
  return emitting.aggregate(fold.initialize, add, m) as KTable<GenericKey | Windowed<GenericKey>, unknown[]>;
}

/** ToOutputSchema (+ window bounds), HAVING, then the projection of the value columns. */
function projectAggregates(
  table: KTable<GenericKey | Windowed<GenericKey>, unknown[]>,
  analysis: AggregateAnalysis,
  fold: FoldFunctions,
  window: PlannedWindow | undefined,
): KTable<GenericKey | Windowed<GenericKey>, GenericRow> {
  const keyCount = analysis.groupBy.length;
  const aggCount = analysis.aggregates.length;
  const toOutputSchema = window
    ? (acc: unknown[], key: GenericKey | Windowed<GenericKey>): GenericRow => {
        const w = key as Windowed<GenericKey>;
        const row = new Array<unknown>(keyCount + aggCount + 2);
        fillPostRow(row, w.key, fold.results(acc), keyCount, aggCount);
        row[keyCount + aggCount] = w.window.start;
        row[keyCount + aggCount + 1] = w.window.end;
        return row;
      }
    : (acc: unknown[], key: GenericKey | Windowed<GenericKey>): GenericRow => {
        const row = new Array<unknown>(keyCount + aggCount);
        fillPostRow(row, key as GenericKey, fold.results(acc), keyCount, aggCount);
        return row;
      };
  let post = table.mapValues(toOutputSchema, undefined, { name: 'Aggregate-Aggregate-ToOutputSchema' });
  const having = analysis.having;
  if (having) {
    post = post.filter((_k, row) => evaluateOrNull(having, row) === true, undefined, {
      name: 'Aggregate-HavingFilter',
    });
  }
  const values = analysis.values.map((v) => v.compiled);
  return post.mapValues(
    (row) => {
      const out = new Array<unknown>(values.length);
      for (let i = 0; i < values.length; i++) out[i] = evaluateOrNull(values[i]!, row);
      return out;
    },
    undefined,
    { name: 'Aggregate-Project' },
  );
}

function fillPostRow(
  row: unknown[],
  key: GenericKey,
  results: unknown[],
  keyCount: number,
  aggCount: number,
): void {
  for (let i = 0; i < keyCount; i++) row[i] = key[i];
  for (let j = 0; j < aggCount; j++) row[keyCount + j] = results[j];
}

/** ksqlDB logs a failed evaluation and carries on with NULL. */
function evaluateOrNull(c: CompiledExpression, row: readonly unknown[]): unknown {
  try {
    return c.evaluate(row);
  } catch (err) {
    if (err instanceof EvaluationError) return null;
    throw err;
  }
}
