import type { KStream, Windowed } from '@meterstream/streams';
import { KsqlError } from '../errors.js';
import { type CompiledExpression, EvaluationError } from '../expr/compiled.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { ColumnRef, Expression } from '../parser/ast.js';
import { type Column, type GenericKey, type GenericRow, LogicalSchema } from '../schema/logical-schema.js';
import { compileIn } from './compile.js';
import { createColumnScope } from './column-scope.js';
import { selectStreamKey } from './dsl-steps.js';
import type { PlannedStream } from './planned-stream.js';

/** The new key of a PARTITION BY: its expressions as written, for matching the projection. */
export interface PartitionKey {
  readonly expressions: readonly Expression[];
}

/**
 * PARTITION BY (ksqlDB's StreamSelectKey, node `PartitionBy-SelectKey`): the key becomes the
 * values of the expressions, evaluated on the input row; `PARTITION BY NULL` gives no key
 * columns and a null key. The row keeps its layout (the old key's copies stay in it), and the new
 * key columns are named after the column when the expression is one, else KSQL_COL_<n> (the
 * projection's alias renames them). The sink writes with the new key — ksqlDB adds no
 * repartition topic for a persistent query's PARTITION BY.
 */
export function planPartitionBy(
  input: PlannedStream,
  expressions: readonly Expression[],
  aliases: readonly string[],
  functions: FunctionRegistry,
): PlannedStream {
  if (input.kind !== 'STREAM') {
    throw new KsqlError(
      'PARTITION BY is not supported on tables. Please remove PARTITION BY clause.',
      expressions[0]?.pos,
    );
  }
  if (input.window) {
    throw new KsqlError(
      'Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.',
      expressions[0]?.pos,
    );
  }
  if (expressions.length === 0) throw new KsqlError('PARTITION BY requires at least one expression');
  const byNull = expressions.length === 1 && expressions[0].kind === 'NullLiteral';
  if (!byNull && expressions.some((e) => e.kind === 'NullLiteral')) {
    throw new KsqlError('Cannot PARTITION BY multiple columns including NULL', expressions[0].pos);
  }
  const scope = createColumnScope(input.schema.value, { aliases, sources: input.sources });
  const compiled: CompiledExpression[] = byNull
    ? []
    : expressions.map((e) => compileIn('PARTITION BY', e, scope, functions));
  const used = new Set(input.schema.value.map((c) => c.name));
  let generated = 0;
  const keyColumns: Column[] = compiled.map((c, i) => {
    const e = expressions[i];
    let name: string;
    if (e.kind === 'ColumnRef') name = scope.resolve(e)!.name;
    else if (e.kind === 'Dereference') name = e.field;
    else {
      do name = `KSQL_COL_${generated++}`;
      while (used.has(name));
    }
    return { name, type: c.type, namespace: 'KEY' };
  });
  const n = compiled.length;
  // As ksqlDB's PartitionByParamsFactory: an expression that reads only key columns (or no
  // columns) is evaluated on the key — so a null value still gets a key — any other on the row,
  // giving NULL for a null value.
  const width = input.schema.value.length;
  const names = input.schema.value.map((c) => c.name);
  const keyCopies = input.schema.key.map((k) => names.lastIndexOf(k.name));
  const keyOnly = expressions.map((e) =>
    columnRefs(e).every((ref) => {
      const at = scope.resolve(ref)?.index;
      return at !== undefined && keyCopies.includes(at);
    }),
  );
  const keyRow = (key: unknown): GenericRow => {
    const row = new Array<unknown>(width).fill(null);
    const k = Array.isArray(key) ? key : [];
    keyCopies.forEach((at, i) => {
      if (at >= 0) row[at] = k[i] ?? null;
    });
    return row;
  };
  const keyOf = byNull
    ? () => null
    : (value: GenericRow | null, oldKey: unknown): GenericKey | null => {
        let fromKey: GenericRow | undefined;
        const key = new Array<unknown>(n);
        for (let i = 0; i < n; i++) {
          let row = value;
          if (keyOnly[i] && row === null) {
            fromKey ??= keyRow(oldKey);
            row = fromKey;
          }
          if (row === null) {
            key[i] = null;
            continue;
          }
          try {
            key[i] = compiled[i].evaluate(row);
          } catch (err) {
            if (!(err instanceof EvaluationError)) throw err;
            key[i] = null;
          }
        }
        return key;
      };
  const stream = selectStreamKey(
    input.stream as KStream<GenericKey | Windowed<GenericKey>, GenericRow | null>,
    'PartitionBy-SelectKey',
    (row, key) => keyOf(row, key),
  );
  return {
    ...input,
    schema: new LogicalSchema(keyColumns, input.schema.value),
    stream: stream as unknown as KStream<GenericKey | Windowed<GenericKey>, GenericRow>,
  };
}

/** The column references of an expression (lambda parameters included: they never read key columns). */
function columnRefs(e: Expression): ColumnRef[] {
  const out: ColumnRef[] = [];
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    if ((x as { kind?: string }).kind === 'ColumnRef') {
      out.push(x as ColumnRef);
      return;
    }
    for (const [k, v] of Object.entries(x)) if (k !== 'pos') visit(v);
  };
  visit(e);
  return out;
}
