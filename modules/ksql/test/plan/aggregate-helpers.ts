import { type Serde, Serdes, StreamsBuilder, TopologyTestDriver } from '@meterstream/streams';
import { KsqlError } from '../../src/errors.js';
import type { ColumnScope, CompiledExpression } from '../../src/expr/compiled.js';
import { aggregateFunctions } from '../../src/function/aggregate/index.js';
import type { FunctionRegistry } from '../../src/function/function-types.js';
import type { Expression, Query, SelectItem, WindowExpression } from '../../src/parser/ast.js';
import type { PlanContext } from '../../src/plan/plan-context.js';
import type { PlannedStream } from '../../src/plan/planned-stream.js';
import { planAggregation } from '../../src/plan/aggregate-step.js';
import { type Column, type GenericRow, LogicalSchema } from '../../src/schema/logical-schema.js';
import { type SqlType, SqlTypes } from '../../src/types/sql-type.js';

/**
 * Test scaffolding for the aggregation planner: a source stream/table whose rows follow the
 * planner's row layout ([value columns, key copies, ROWTIME, ROWPARTITION, ROWOFFSET]), a small
 * expression compiler (column references, literals, + - * /, comparisons, AND, LEN, AS_VALUE —
 * the real one lives in the expression module), and a registry of the built-in aggregates.
 */

export const registry: FunctionRegistry = {
  isAggregate: (name) => aggregateFunctions.has(name),
  resolveAggregate: (name, argTypes, literals, position, properties) => {
    const f = aggregateFunctions.get(name);
    if (!f) throw new KsqlError(`Can't find any functions with the name '${name}'`, position);
    return f.create(argTypes, literals, position, properties);
  },
  describe: (name) => aggregateFunctions.get(name)?.description,
  list: () => [...aggregateFunctions.values()].map((f) => f.description),
};

export function compileTestExpression(e: Expression, scope: ColumnScope): CompiledExpression {
  switch (e.kind) {
    case 'ColumnRef': {
      const c = scope.resolve(e);
      if (!c) throw new KsqlError(`Column '${e.name}' cannot be resolved.`, e.pos);
      const i = c.index;
      return { type: c.type, evaluate: (row) => row[i] ?? null };
    }
    case 'IntegerLiteral':
      return { type: e.type === 'INTEGER' ? SqlTypes.INTEGER : SqlTypes.BIGINT, evaluate: () => e.value };
    case 'StringLiteral':
      return { type: SqlTypes.STRING, evaluate: () => e.value };
    case 'BooleanLiteral':
      return { type: SqlTypes.BOOLEAN, evaluate: () => e.value };
    case 'Arithmetic': {
      const l = compileTestExpression(e.left, scope);
      const r = compileTestExpression(e.right, scope);
      const int = l.type.base === 'INTEGER' && r.type.base === 'INTEGER';
      const op = {
        '+': (a: number, b: number) => a + b,
        '-': (a: number, b: number) => a - b,
        '*': (a: number, b: number) => a * b,
        '/': (a: number, b: number) => (int ? Math.trunc(a / b) : a / b),
        '%': (a: number, b: number) => a % b,
      }[e.op];
      return {
        type: int
          ? SqlTypes.INTEGER
          : l.type.base === 'DOUBLE' || r.type.base === 'DOUBLE'
            ? SqlTypes.DOUBLE
            : SqlTypes.BIGINT,
        evaluate: (row) => {
          const a = l.evaluate(row) as number | null;
          const b = r.evaluate(row) as number | null;
          if (a === null || b === null) return null;
          return int ? op(a, b) | 0 : op(a, b);
        },
      };
    }
    case 'Comparison': {
      const l = compileTestExpression(e.left, scope);
      const r = compileTestExpression(e.right, scope);
      const op = {
        '=': (a: unknown, b: unknown) => a === b,
        '<>': (a: unknown, b: unknown) => a !== b,
        '<': (a: unknown, b: unknown) => (a as number) < (b as number),
        '<=': (a: unknown, b: unknown) => (a as number) <= (b as number),
        '>': (a: unknown, b: unknown) => (a as number) > (b as number),
        '>=': (a: unknown, b: unknown) => (a as number) >= (b as number),
      }[e.op];
      return {
        type: SqlTypes.BOOLEAN,
        evaluate: (row) => {
          const a = l.evaluate(row);
          const b = r.evaluate(row);
          return a === null || b === null ? null : op(a, b);
        },
      };
    }
    case 'And': {
      const l = compileTestExpression(e.left, scope);
      const r = compileTestExpression(e.right, scope);
      return {
        type: SqlTypes.BOOLEAN,
        evaluate: (row) => l.evaluate(row) === true && r.evaluate(row) === true,
      };
    }
    case 'FunctionCall': {
      const args = e.args.map((a) => compileTestExpression(a, scope));
      if (e.name === 'LEN') {
        return {
          type: SqlTypes.INTEGER,
          evaluate: (row) => {
            const s = args[0]!.evaluate(row) as string | null;
            return s === null ? null : s.length;
          },
        };
      }
      if (e.name === 'AS_VALUE') return args[0]!;
      throw new KsqlError(`Can't find any functions with the name '${e.name}'`, e.pos);
    }
    default:
      throw new Error(`test compiler: ${e.kind} not supported`);
  }
}

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
  options: { sinkName?: string; properties?: Record<string, string> } = {},
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
    internalValueFormat: { name: 'JSON', properties: {} },
    compileExpression: compileTestExpression,
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
