import {
  type Change,
  KTable,
  type ProcessorContext,
  type Record,
  type Serde,
  StreamsBuilder,
  TopologyTestDriver,
  type Windowed,
} from '@meterstream/streams';
import type { Formats, KsqlSerde } from '../../src/format/format.js';
import { createFunctionRegistry } from '../../src/function/registry.js';
import type { Expression, JoinClause, JoinType, JoinWithin } from '../../src/parser/ast.js';
import type { JoinSide } from '../../src/plan/join-step.js';
import type { PlanContext } from '../../src/plan/plan-context.js';
import type { PlannedStream } from '../../src/plan/planned-stream.js';
import { type GenericKey, type GenericRow, LogicalSchema } from '../../src/schema/logical-schema.js';
import { type SqlType, SqlTypes } from '../../src/types/sql-type.js';

/** JSON array serde: what the tests' topics and internal topics carry (keys and rows are arrays). */
export const arraySerde: KsqlSerde<unknown[]> = {
  serialize: (v) => Buffer.from(JSON.stringify(v)),
  deserialize: (b) => JSON.parse(b.toString()) as unknown[],
};

/** Formats that hand out the JSON array serde and remember which topics asked for one. */
export function testFormats(): Formats & { readonly topics: string[] } {
  const topics: string[] = [];
  return {
    topics,
    keySerde: async (_f, _c, ctx) => {
      topics.push(ctx.topic);
      return arraySerde as KsqlSerde<GenericKey>;
    },
    valueSerde: async (_f, _c, ctx) => {
      topics.push(ctx.topic);
      return arraySerde as KsqlSerde<GenericRow>;
    },
    inferColumns: async () => undefined,
    validate: () => {},
  };
}

export function testContext(
  builder = new StreamsBuilder(),
): PlanContext & { formats: ReturnType<typeof testFormats> } {
  return {
    builder,
    queryId: 'CSAS_OUT_0',
    applicationId: 'app',
    functions: createFunctionRegistry(),
    formats: testFormats(),
    properties: {},
    internalKeyFormat: { name: 'JSON', properties: {} },
    internalValueFormat: { name: 'JSON', properties: {} },
  };
}

export type ColumnSpec = readonly [name: string, type: SqlType];
const INT = SqlTypes.INTEGER;
export { INT };
export const STRING = SqlTypes.STRING;
export const BIGINT = SqlTypes.BIGINT;

/** A source's schema in the planner's row layout: value columns, key copies, pseudo-columns. */
function sourceSchema(key: readonly ColumnSpec[], value: readonly ColumnSpec[]): LogicalSchema {
  const col = ([name, type]: ColumnSpec) => ({ name, type });
  return LogicalSchema.of(key.map(col), [
    ...value.map(col),
    ...key.map(col),
    { name: 'ROWTIME', type: SqlTypes.BIGINT },
    { name: 'ROWPARTITION', type: SqlTypes.INTEGER },
    { name: 'ROWOFFSET', type: SqlTypes.BIGINT },
  ]);
}

/** What the source step does to each record: value columns, then key copies and pseudo-columns. */
function sourceRow(
  key: GenericKey,
  value: GenericRow,
  ctx: ProcessorContext<unknown, unknown>,
  ts: number,
): GenericRow {
  const meta = ctx.recordMetadata();
  return [...value, ...key, ts, meta ? meta.partition : null, meta ? meta.offset : null];
}

export function streamSource(
  builder: StreamsBuilder,
  topic: string,
  alias: string,
  key: readonly ColumnSpec[],
  value: readonly ColumnSpec[],
  partitions?: number,
): JoinSide {
  const raw = builder.stream<GenericKey, GenericRow>(topic, {
    keySerde: arraySerde as Serde<GenericKey>,
    valueSerde: arraySerde as Serde<GenericRow>,
  });
  const withPseudo = raw.process<GenericKey, GenericRow>(() => {
    let ctx!: ProcessorContext<GenericKey, GenericRow>;
    return {
      init: (c) => {
        ctx = c;
      },
      process: (r: Record<GenericKey, GenericRow>) => {
        if (r.value === null) return;
        ctx.forward(
          r.withValue(sourceRow(r.key, r.value, ctx as ProcessorContext<unknown, unknown>, r.timestamp)),
        );
      },
    };
  });
  // process() marks a stream as re-keyed; a source step keeps the topic's partitioning.
  const stream = withPseudo.derive<GenericKey | Windowed<GenericKey>, GenericRow>(
    withPseudo.nodeName,
    false,
    arraySerde as Serde<GenericKey | Windowed<GenericKey>>,
    arraySerde as Serde<GenericRow>,
  );
  const planned: PlannedStream = {
    kind: 'STREAM',
    stream,
    schema: sourceSchema(key, value),
    withPseudoColumns: true,
  };
  return { alias, planned, sourceName: topic.toUpperCase(), partitions };
}

export function tableSource(
  builder: StreamsBuilder,
  topic: string,
  alias: string,
  key: readonly ColumnSpec[],
  value: readonly ColumnSpec[],
  partitions?: number,
): JoinSide {
  const raw = builder.table<GenericKey, GenericRow>(topic, {
    keySerde: arraySerde as Serde<GenericKey>,
    valueSerde: arraySerde as Serde<GenericRow>,
  });
  const name = builder.newName('TEST-TABLE-PSEUDO');
  builder.addProcessor(name, () => {
    let ctx!: ProcessorContext<GenericKey, Change<GenericRow>>;
    return {
      init: (c: ProcessorContext<GenericKey, Change<GenericRow>>) => {
        ctx = c;
      },
      process: (r: Record<GenericKey, Change<GenericRow>>) => {
        const c = ctx as ProcessorContext<unknown, unknown>;
        const { newValue, oldValue } = r.value;
        ctx.forward(
          r.withValue({
            newValue: newValue === null ? null : sourceRow(r.key, newValue, c, r.timestamp),
            oldValue: oldValue === null ? null : sourceRow(r.key, oldValue, c, r.timestamp),
          }),
        );
      },
    };
  }, [raw.nodeName]);
  const table = new KTable<GenericKey | Windowed<GenericKey>, GenericRow>(
    builder,
    name,
    undefined,
    arraySerde as Serde<GenericKey | Windowed<GenericKey>>,
    arraySerde as Serde<GenericRow>,
  );
  const planned: PlannedStream = {
    kind: 'TABLE',
    table,
    schema: sourceSchema(key, value),
    withPseudoColumns: true,
  };
  return { alias, planned, sourceName: topic.toUpperCase(), partitions };
}

export const col = (qualifier: string | undefined, name: string): Expression => ({
  kind: 'ColumnRef',
  name,
  qualifier,
});
export const eq = (left: Expression, right: Expression): Expression => ({
  kind: 'Comparison',
  op: '=',
  left,
  right,
});

export function joinClause(
  type: JoinType,
  rightName: string,
  on: Expression,
  within?: JoinWithin,
): JoinClause {
  return { type, right: { name: rightName }, on, within };
}

export function within(beforeMs: number, afterMs = beforeMs, graceMs?: number): JoinWithin {
  return {
    before: { value: beforeMs, unit: 'MILLISECONDS' },
    after: { value: afterMs, unit: 'MILLISECONDS' },
    grace: graceMs === undefined ? undefined : { value: graceMs, unit: 'MILLISECONDS' },
  };
}

/** Writes the planned result to topic OUT and returns a driver plus a reader of [key, row, ts]. */
export function run(ctx: PlanContext, result: PlannedStream) {
  const out = result.kind === 'STREAM' ? result.stream : result.table.toStream();
  out.to('OUT', {
    keySerde: arraySerde as Serde<GenericKey | Windowed<GenericKey>>,
    valueSerde: arraySerde as Serde<GenericRow>,
  });
  const topology = ctx.builder.build();
  const driver = new TopologyTestDriver(topology, { applicationId: ctx.applicationId });
  const output = driver.createOutputTopic('OUT', arraySerde, arraySerde);
  return {
    topology,
    driver,
    input: (topic: string) => driver.createInputTopic(topic, arraySerde, arraySerde),
    read: () => output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
  };
}

/** The named value columns of a result row (drops ROWPARTITION/ROWOFFSET noise). */
export function pick(result: PlannedStream, row: unknown, names: readonly string[]): unknown[] | null {
  if (row === null) return null;
  const value = result.schema.value.map((c) => c.name);
  return names.map((n) => (row as unknown[])[value.indexOf(n)]);
}
