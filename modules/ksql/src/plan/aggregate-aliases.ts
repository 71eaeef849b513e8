import type { Expression, SelectItem } from '../parser/ast.js';

/**
 * Output names of SELECT items as ksqlDB's AstSanitizer gives them when no alias is written: a
 * column reference keeps the column's name, `struct->field` takes the field's name (numbered
 * `FIELD_1`, `FIELD_2`… when a source column already has it), anything else is `KSQL_COL_<n>`
 * with n counting up from 0 over the items, skipping numbers a source column `KSQL_COL_<n>`
 * already uses.
 */
export function selectAliases(
  items: readonly (SelectItem & { kind: 'SingleColumn' })[],
  sourceColumns: readonly string[],
): string[] {
  const used = usedNumbers(sourceColumns);
  const generators = new Map<string, { next: number }>();
  const next = (prefix: string, dropZero: boolean): string => {
    const taken = used.get(prefix) ?? new Set<number>();
    let g = generators.get(prefix);
    if (!g) {
      g = { next: 0 };
      generators.set(prefix, g);
    }
    let idx = g.next++;
    while (taken.has(idx)) idx = g.next++;
    return idx === 0 && dropZero ? prefix : `${prefix}_${idx}`;
  };
  return items.map((item) => {
    if (item.alias !== undefined) return item.alias;
    const e: Expression = item.expression;
    if (e.kind === 'ColumnRef') return e.name;
    if (e.kind === 'Dereference') return next(withoutNumber(e.field).name, true);
    return next('KSQL_COL', false);
  });
}

/** `NAME_12` → { name: NAME, number: 12 }; `NAME` → { name: NAME, number: 0 }. */
function withoutNumber(text: string): { name: string; number: number } {
  const m = /^(.*?)(?:_(\d+))?$/.exec(text)!;
  return { name: m[1]!, number: m[2] === undefined ? 0 : Number(m[2]) };
}

function usedNumbers(columns: readonly string[]): Map<string, Set<number>> {
  const used = new Map<string, Set<number>>();
  for (const c of columns) {
    const { name, number } = withoutNumber(c);
    let s = used.get(name);
    if (!s) {
      s = new Set();
      used.set(name, s);
    }
    s.add(number);
  }
  return used;
}
