import type { KStream, KTable, Windowed } from '@meterstream/streams';
import { EvaluationError } from '../expr/compiled.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { Expression } from '../parser/ast.js';
import type { GenericKey, GenericRow } from '../schema/logical-schema.js';
import { compilePredicate } from './compile.js';
import { rewriteMagicTimestamps } from './magic-timestamps.js';
import { createColumnScope } from './column-scope.js';
import { filterStream, filterTable } from './dsl-steps.js';
import type { PlannedStream } from './planned-stream.js';

type AnyKey = GenericKey | Windowed<GenericKey>;

/**
 * WHERE (ksqlDB's StreamFilter / TableFilter, node `WhereFilter`): keeps rows for which the
 * condition is TRUE — NULL, an evaluation error (logged by ksqlDB) and a null row are not.
 */
export function planFilter(
  input: PlannedStream,
  where: Expression,
  aliases: readonly string[],
  functions: FunctionRegistry,
): PlannedStream {
  const scope = createColumnScope(input.schema.value, { aliases, sources: input.sources });
  const predicate = compilePredicate('WHERE', rewriteMagicTimestamps(where), scope, functions);
  const keep = (row: GenericRow | null): boolean => {
    if (row === null) return false;
    try {
      return predicate.evaluate(row) === true;
    } catch (err) {
      if (err instanceof EvaluationError) return false;
      throw err;
    }
  };
  if (input.kind === 'STREAM') {
    return {
      ...input,
      stream: filterStream(
        input.stream as KStream<AnyKey, GenericRow | null>,
        'WhereFilter',
        keep,
      ) as KStream<AnyKey, GenericRow>,
    };
  }
  return { ...input, table: filterTable(input.table as KTable<AnyKey, GenericRow>, 'WhereFilter', keep) };
}
