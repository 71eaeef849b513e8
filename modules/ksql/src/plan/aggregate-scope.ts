import { KsqlError } from '../errors.js';
import type { ColumnScope, ResolvedColumn } from '../expr/compiled.js';
import type { AliasedSource, ColumnRef } from '../parser/ast.js';
import type { SqlType } from '../types/sql-type.js';
import type { PlannedStream } from './planned-stream.js';

/**
 * Column scopes the aggregation compiles expressions against: the input row (the source's value
 * columns with key copies and pseudo-columns, see planned-stream.ts) and the aggregation's own
 * rows, whose columns are planner-made names.
 */

/** Resolves `col`, `source.col` (single source) and `alias.col` / bare names after a join. */
export function inputScope(input: PlannedStream, from: AliasedSource): ColumnScope {
  const byName = new Map<string, ResolvedColumn>();
  input.schema.value.forEach((c, index) => {
    byName.set(c.name, { index, type: c.type, name: c.name });
  });
  const sources = input.sources;
  const own = new Set([from.name, from.alias ?? from.name]);
  return {
    resolve(ref: ColumnRef): ResolvedColumn | undefined {
      if (!sources) {
        if (ref.qualifier !== undefined && !own.has(ref.qualifier)) return undefined;
        return byName.get(ref.name);
      }
      if (ref.qualifier !== undefined) return byName.get(`${ref.qualifier}_${ref.name}`);
      const owners = sources.filter((s) => s.columns.includes(ref.name));
      if (owners.length > 1) {
        throw new KsqlError(
          `Column '${ref.name}' is ambiguous. Could be any of: ${owners.map((s) => `${s.alias}.${ref.name}`).join(', ')}`,
          ref.pos,
        );
      }
      if (owners.length === 1) return byName.get(`${owners[0]!.alias}_${ref.name}`);
      return byName.get(ref.name);
    },
  };
}

/** A scope over planner-named columns, in row order (qualifiers are ignored). */
export function namedScope(
  columns: readonly { readonly name: string; readonly type: SqlType }[],
): ColumnScope {
  const byName = new Map<string, ResolvedColumn>();
  columns.forEach((c, index) => {
    byName.set(c.name, { index, type: c.type, name: c.name });
  });
  return { resolve: (ref) => byName.get(ref.name) };
}
