import type { DataSource } from '../engine/data-source.js';
import type { Query } from '../parser/ast.js';

/**
 * The value columns of a single-stream query's source that nothing in the query reads — the
 * columns a format may skip decoding (ksqlDB's column pruning, in the one shape where it is
 * obviously safe). Undefined whenever every column may be read: a `SELECT *`, a join, a table
 * source (its store keeps whole rows for pull queries).
 */
export function unusedSourceColumns(query: Query, source: DataSource): ReadonlySet<string> | undefined {
  if (source.type !== 'STREAM' || query.joins.length > 0) return undefined;
  if (query.select.some((item) => item.kind === 'AllColumns')) return undefined;
  const used = new Set<string>();
  collectColumnRefs(query, used);
  if (source.timestamp) used.add(source.timestamp.column);
  const unused = new Set<string>();
  for (const c of source.schema.value) if (!used.has(c.name)) unused.add(c.name);
  return unused.size > 0 ? unused : undefined;
}

/**
 * Every column name the query refers to, anywhere: a walk over the whole AST rather than a visitor
 * per clause, so a clause or expression kind added later cannot be missed (a lambda parameter
 * named like a column only makes the set larger, never wrong).
 */
function collectColumnRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectColumnRefs(n, into);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const o = node as { kind?: unknown; name?: unknown };
  if (o.kind === 'ColumnRef' && typeof o.name === 'string') into.add(o.name);
  for (const v of Object.values(node)) collectColumnRefs(v, into);
}
