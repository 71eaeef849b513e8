import type { KStream, Windowed } from '@meterstream/streams';
import { KsqlError } from '../errors.js';
import { type CompiledExpression, EvaluationError } from '../expr/compiled.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { Expression } from '../parser/ast.js';
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
  // A null row (a null value) is keyed as ksqlDB does: expressions see the key columns, while
  // value and pseudo-columns are NULL.
  const width = input.schema.value.length;
  const keyCopies = input.schema.key.map((k) => input.schema.value.map((c) => c.name).lastIndexOf(k.name));
  const nullRow = (key: unknown): GenericRow => {
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
        const row = value ?? nullRow(oldKey);
        const key = new Array<unknown>(n);
        for (let i = 0; i < n; i++) {
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
