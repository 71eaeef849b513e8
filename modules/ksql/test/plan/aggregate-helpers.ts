import { type Serde, Serdes, StreamsBuilder, TopologyTestDriver } from '@meterstream/streams';
import { createFunctionRegistry } from '../../src/function/registry.js';
import type { FormatName } from '../../src/format/format.js';
import type { Expression, Query, SelectItem, WindowExpression } from '../../src/parser/ast.js';
import type { PlanContext } from '../../src/plan/plan-context.js';
import type { PlannedStream } from '../../src/plan/planned-stream.js';
import { planAggregation } from '../../src/plan/aggregate-step.js';
import { type Column, type GenericRow, LogicalSchema } from '../../src/schema/logical-schema.js';
import { type SqlType, SqlTypes } from '../../src/types/sql-type.js';

/**
 * Test scaffolding for the aggregation planner: a source stream/table whose rows follow the
 * planner's row layout ([value columns, key copies, ROWTIME, ROWPARTITION, ROWOFFSET]), syntax-tree
 * shorthands, and the engine's function registry (built-in scalars and aggregates).
 */

export const registry = createFunctionRegistry();

// --- syntax-tree shorthands ----------------------------------------------------------------------

export const col = (name: string, qualifier?: string): Expression => ({ kind: 'ColumnRef', name, qualifier });
export const int = (value: number): Expression => ({ kind: 'IntegerLiteral', value, type: 'INTEGER' });
export const bool = (value: boolean): Expression => ({ kind: 'BooleanLiteral', value });
export const call = (name: string, ...args: Expression[]): Expression => ({
  kind: 'FunctionCall',
  name,
  args,
});
export const star = (name: string): Expression => ({ kind: 'FunctionCall', name, args: [], star: true });
export const add = (left: Expression, right: Expression): Expression => ({
  kind: 'Arithmetic',
  op: '+',
  left,
  right,
});
export const cmp = (
  op: '=' | '>' | '<' | '>=' | '<=' | '<>',
  left: Expression,
  right: Expression,
): Expression => ({
  kind: 'Comparison',
  op,
  left,
  right,
});
export const item = (expression: Expression, alias?: string): SelectItem => ({
  kind: 'SingleColumn',
  expression,
  alias,
});

export function query(parts: {
  select: SelectItem[];
  groupBy: Expression[];
  having?: Expression;
  window?: WindowExpression;
  emit?: 'CHANGES' | 'FINAL';
}): Query {
  return { from: { name: 'INPUT' }, joins: [], emit: 'CHANGES', ...parts };
}

// --- a planned source ----------------------------------------------------------------------------

const json = Serdes.json<unknown>();

type StreamOf<P> = P extends { kind: 'STREAM'; stream: infer S } ? S : never;
type TableOf<P> = P extends { kind: 'TABLE'; table: infer T } ? T : never;

/** A source named INPUT on topic `input`: key columns, value columns (JSON object values). */
export interface TestSource {
  readonly key: readonly { name: string; type: SqlType }[];
  readonly value: readonly { name: string; type: SqlType }[];
  readonly kind?: 'STREAM' | 'TABLE';
}

export function sourceSchema(src: TestSource): LogicalSchema {
  return LogicalSchema.of(src.key, [
    ...src.value,
    ...src.key,
    { name: 'ROWTIME', type: SqlTypes.BIGINT },
    { name: 'ROWPARTITION', type: SqlTypes.INTEGER },
    { name: 'ROWOFFSET', type: SqlTypes.BIGINT },
  ]);
}

/**
 * Builds the source, plans `q` over it and writes the result to topic `output` (JSON key, JSON
 * value row). Record values carry their timestamp in `ts`, which becomes ROWTIME.
 */
export async function plan(
  src: TestSource,
  q: Query,
  options: { sinkName?: string; properties?: Record<string, string>; valueFormat?: FormatName } = {},
) {
  const builder = new StreamsBuilder();
  const schema = sourceSchema(src);
  const toRow = (obj: Record<string, unknown> | null, key: unknown[]): GenericRow | null =>
    obj === null
      ? null
      : [...src.value.map((c) => obj[c.name] ?? null), ...key, (obj.ts as number) ?? 0, 0, 0];
  let input: PlannedStream;
  if (src.kind === 'TABLE') {
    const table = builder
      .table<unknown[], Record<string, unknown>>('input', {
        keySerde: json as Serde<unknown[]>,
        valueSerde: json as Serde<Record<string, unknown>>,
      })
      .mapValues((v, k) => toRow(v, k) as GenericRow);
    input = {
      kind: 'TABLE',
      table: table as unknown as TableOf<PlannedStream>,
      schema,
      withPseudoColumns: true,
    };
  } else {
    const stream = builder
      .stream<unknown[], Record<string, unknown>>('input', {
        keySerde: json as Serde<unknown[]>,
        valueSerde: json as Serde<Record<string, unknown>>,
      })
      .mapValues((v, k) => toRow(v, k) as GenericRow);
    input = {
      kind: 'STREAM',
      stream: stream as unknown as StreamOf<PlannedStream>,
      schema,
      withPseudoColumns: true,
    };
  }
  const ctx: PlanContext = {
    builder,
    queryId: 'CTAS_OUTPUT_0',
    applicationId: 'app',
    functions: registry,
    formats: undefined as never,
    properties: options.properties ?? {},
    internalKeyFormat: { name: 'JSON', properties: {} },
    internalValueFormat: { name: options.valueFormat ?? 'JSON', properties: {} },
    sinkName: options.sinkName,
  };
  const out = await planAggregation(input, q, ctx);
  if (out.kind !== 'TABLE') throw new Error('aggregation must plan a table');
  out.table.toStream().to('output', { keySerde: json as Serde<never>, valueSerde: json as Serde<never> });
  const topology = builder.build();
  const driver = new TopologyTestDriver(topology, { applicationId: 'app' });
  const inTopic = driver.createInputTopic('input', json, json);
  const outTopic = driver.createOutputTopic('output', json, json);
  return {
    out,
    topology,
    driver,
    /** Pipes a record; its value's `ts` is the timestamp. */
    pipe(key: unknown[] | null, value: Record<string, unknown> | null, ts = 0) {
      inTopic.pipeInput(key, value === null ? null : { ...value, ts }, ts);
    },
    read: () => outTopic.readRecordsToList().map((r) => ({ key: r.key, value: r.value, ts: r.timestamp })),
    readKV: () => outTopic.readKeyValuesToList(),
  };
}

export function columns(cs: readonly Column[]): string[] {
  return cs.map((c) => `${c.name} ${c.type.base}`);
}
