import type { KStream, KTable, Windowed } from '@meterstream/streams';
import { type ColumnScope, EvaluationError } from '../expr/compiled.js';
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
  // After a join ksqlDB names columns by their joined names (I1_BAR) in WHERE's messages.
  const condition = input.sources ? joinedNames(where, scope) : where;
  const predicate = compilePredicate('WHERE', rewriteMagicTimestamps(condition), scope, functions);
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

/**
 * Rewrites column references to the joined row's names (`I1.BAR` → `I1_BAR`), which resolve to the
 * same columns; lambda bodies are left alone (their parameters shadow columns).
 */
function joinedNames(e: Expression, scope: ColumnScope): Expression {
  const visit = (x: unknown): unknown => {
    if (!x || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map(visit);
    const node = x as Expression;
    if (node.kind === 'Lambda') return node;
    if (node.kind === 'ColumnRef') {
      let resolved: ReturnType<ColumnScope['resolve']>;
      try {
        resolved = scope.resolve(node);
      } catch {
        return node; // ambiguous or unknown qualifier: compiling reports it
      }
      return resolved ? { kind: 'ColumnRef', name: resolved.name, pos: node.pos } : node;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'pos' ? v : visit(v);
    return out;
  };
  return visit(e) as Expression;
}
