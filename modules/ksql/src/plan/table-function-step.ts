import type { KStream } from '@meterstream/streams';
import { KsqlError } from '../errors.js';
import { EvaluationError } from '../expr/compiled.js';
import type { ScalarFunctionSource } from '../expr/context.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { Expression, ExpressionOf, SelectItem } from '../parser/ast.js';
import { type Column, type GenericKey, type GenericRow, LogicalSchema } from '../schema/logical-schema.js';
import { formatSqlType } from '../types/sql-type.js';
import { compileIn } from './compile.js';
import { createColumnScope } from './column-scope.js';
import type { PlannedStream } from './planned-stream.js';

type Call = ExpressionOf<'FunctionCall'>;

/** The table function calls of a SELECT, in order (nested calls inside a call's arguments excluded). */
export function tableFunctionCalls(select: readonly SelectItem[], functions: FunctionRegistry): Call[] {
  const calls: Call[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const e = node as { kind?: unknown; name?: unknown };
    if (e.kind === 'FunctionCall' && typeof e.name === 'string' && functions.isTableFunction(e.name)) {
      calls.push(node as Call);
      return;
    }
    for (const v of Object.values(node)) walk(v);
  };
  for (const item of select) if (item.kind === 'SingleColumn') walk(item.expression);
  return calls;
}

/**
 * ksqlDB's FlatMap step (StreamFlatMap, KudtfFlatMapper): each table function call of SELECT is
 * evaluated on the row into the array of its results, and the row becomes as many rows as the
 * longest array — the row's columns, then one column `KSQL_SYNTH_<i>` per call holding its i-th
 * result, NULL where a shorter array has none. A row whose calls give no results (empty or NULL
 * arrays) becomes no row; one whose call or argument fails is dropped (ksqlDB logs it to the
 * processing log). SELECT is rewritten to read those columns in place of the calls; an unaliased
 * item that was a call keeps the name it would have had (KSQL_COL_<n>).
 */
export function planTableFunctions(
  input: PlannedStream,
  select: readonly SelectItem[],
  calls: readonly Call[],
  aliases: readonly string[],
  functions: FunctionRegistry,
): { planned: PlannedStream; select: SelectItem[] } {
  if (input.kind !== 'STREAM') throw new KsqlError('Table source is not supported with table functions');
  const scope = createColumnScope(input.schema.value, { aliases, sources: input.sources });
  const resolving = withTableFunctions(functions);
  const used = new Set(input.schema.value.map((c) => c.name));
  const synthetic: Column[] = [];
  const compiled = calls.map((call) => {
    const c = compileIn('SELECT', call, scope, resolving);
    if (c.type?.base !== 'ARRAY') {
      throw new KsqlError(
        `Table function ${call.name} returns ${formatSqlType(c.type)}, not an ARRAY`,
        call.pos,
      );
    }
    let name: string;
    let n = synthetic.length;
    do name = `KSQL_SYNTH_${n++}`;
    while (used.has(name));
    used.add(name);
    synthetic.push({ name, type: c.type.element, namespace: 'VALUE' });
    return c;
  });
  const width = input.schema.value.length;
  const m = compiled.length;
  const stream = (input.stream as KStream<GenericKey, GenericRow | null>).flatMapValues(
    (row): GenericRow[] => {
      if (row === null) return [];
      const lists: (unknown[] | null)[] = new Array(m);
      let rows = 0;
      for (let j = 0; j < m; j++) {
        let list: unknown[] | null;
        try {
          list = compiled[j].evaluate(row) as unknown[] | null;
        } catch (err) {
          if (err instanceof EvaluationError) return [];
          throw err;
        }
        lists[j] = list;
        if (list && list.length > rows) rows = list.length;
      }
      const out: GenericRow[] = new Array(rows);
      for (let i = 0; i < rows; i++) {
        const r = new Array<unknown>(width + m);
        for (let c = 0; c < width; c++) r[c] = row[c];
        for (let j = 0; j < m; j++) r[width + j] = lists[j]?.[i] ?? null;
        out[i] = r;
      }
      return out;
    },
    { name: 'FlatMap' },
  );
  const schema = LogicalSchema.of(input.schema.key, [...input.schema.value, ...synthetic]);
  const replaced = new Map<Call, string>(calls.map((call, i) => [call, synthetic[i].name]));
  const rewritten = select.map((item): SelectItem => {
    if (item.kind !== 'SingleColumn') return item;
    const isCall = replaced.has(item.expression as Call);
    return {
      ...item,
      expression: replaceCalls(item.expression, replaced),
      ...(isCall && item.alias === undefined ? { generatedName: true } : {}),
    };
  });
  return {
    planned: {
      ...input,
      kind: 'STREAM',
      schema,
      stream: stream as Extract<PlannedStream, { kind: 'STREAM' }>['stream'],
    },
    select: rewritten,
  };
}

/** The expression with each replaced call (by identity) now a reference to its synthetic column. */
function replaceCalls(e: Expression, replaced: ReadonlyMap<Call, string>): Expression {
  const copy = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(copy);
    if (node === null || typeof node !== 'object') return node;
    const name = replaced.get(node as Call);
    if (name !== undefined) return { kind: 'ColumnRef', name, pos: (node as Call).pos };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, copy(v)]));
  };
  return copy(e) as Expression;
}

/** The registry as the expression compiler sees it, table functions resolvable as scalars. */
function withTableFunctions(functions: FunctionRegistry): FunctionRegistry & ScalarFunctionSource {
  const scalars = functions as FunctionRegistry & Partial<ScalarFunctionSource>;
  return {
    isAggregate: (name) => functions.isAggregate(name),
    resolveAggregate: (...args) => functions.resolveAggregate(...args),
    isTableFunction: (name) => functions.isTableFunction(name),
    getTableFunction: (name) => functions.getTableFunction(name),
    describe: (name) => functions.describe(name),
    list: () => functions.list(),
    getScalar: (name) => functions.getTableFunction(name) ?? scalars.getScalar?.(name),
  };
}
