import { KsqlError } from '../errors.js';
import type { ColumnScope, ResolvedColumn } from '../expr/compiled.js';
import type { ColumnRef } from '../parser/ast.js';
import type { Column } from '../schema/logical-schema.js';
import { RESERVED_COLUMN_NAMES } from './source-schema.js';

/** Which alias owns which columns after a join (see PlannedStream.sources). */
export interface SourceColumns {
  readonly alias: string;
  readonly columns: readonly string[];
}

/**
 * The scope expressions of one step compile against: the step's evaluation row is exactly
 * `columns` (a PlannedStream's `schema.value`), so a column's index is its position there.
 *
 * Single source: `col` and `<alias>.col` resolve (the alias, or the source name when none was
 * written). After a join (`sources` given): `A.c` resolves to the column `A_C`, a bare `c` to the
 * one source that has it (ambiguous when several do), and a joined name like `A_C` as itself.
 * Lookups are by name in a map built once — this runs at plan time only.
 */
export function createColumnScope(
  columns: readonly Column[],
  options: { readonly aliases?: readonly string[]; readonly sources?: readonly SourceColumns[] } = {},
): ColumnScope {
  const byName = new Map<string, ResolvedColumn>();
  columns.forEach((c, index) => {
    if (!byName.has(c.name)) byName.set(c.name, { index, type: c.type, name: c.name });
  });
  const sources = options.sources;
  const aliases = new Set(options.aliases ?? []);
  return {
    resolve(ref: ColumnRef): ResolvedColumn | undefined {
      if (sources) {
        if (ref.qualifier !== undefined) {
          const source = sources.find((s) => s.alias === ref.qualifier);
          if (!source)
            throw new KsqlError(
              `Failed to prepare statement: '${ref.qualifier}' is not a valid stream/table name or alias.`,
              ref.pos,
            );
          if (!source.columns.includes(ref.name)) return undefined;
          return byName.get(`${source.alias}_${ref.name}`);
        }
        // An unqualified pseudo-column is the join result's own (ROWTIME of the joined record).
        if (RESERVED_COLUMN_NAMES.has(ref.name) && byName.has(ref.name)) return byName.get(ref.name);
        const owners = sources.filter((s) => s.columns.includes(ref.name));
        if (owners.length > 1) {
          throw new KsqlError(
            `Column '${ref.name}' is ambiguous. Could be ${owners.map((o) => `${o.alias}.${ref.name}`).join(' or ')}.`,
            ref.pos,
          );
        }
        if (owners.length === 1) return byName.get(`${owners[0].alias}_${ref.name}`);
        return byName.get(ref.name);
      }
      if (ref.qualifier !== undefined && !aliases.has(ref.qualifier)) {
        throw new KsqlError(
          `Failed to prepare statement: '${ref.qualifier}' is not a valid stream/table name or alias.`,
          ref.pos,
        );
      }
      return byName.get(ref.name);
    },
  };
}
