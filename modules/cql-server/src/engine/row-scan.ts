import type { WireValue } from '../protocol/reader.js';
import type { PagingPosition } from './paging.js';
import { type KeyRestriction, resolveKeyValues } from './restrictions.js';
import { type ColumnDef, type Partition, type Row, type Table, cellValue, lowerBound } from './table.js';

/** A WHERE relation evaluated row by row (clustering slices, filtered columns, partial keys). */
export interface Filter {
  col: ColumnDef;
  op: '=' | '<' | '<=' | '>' | '>=' | 'IN';
  restriction: KeyRestriction;
}

/** Rows of the given partitions in order, starting after a paging position. */
export function* iterateRows(
  table: Table,
  keys: string[],
  reversed: boolean,
  resume: PagingPosition | undefined,
  matches: (p: Partition, r: Row) => boolean,
): Generator<[Partition, Row]> {
  let k = 0;
  let skipCk: Buffer[] | undefined;
  if (resume) {
    k = keys.indexOf(resume.partition);
    if (k >= 0) {
      skipCk = resume.ck;
    } else {
      // The partition vanished (scan order is by key string): continue with the next key.
      k = keys.findIndex((key) => key > resume.partition);
      if (k < 0) return;
    }
  }
  for (; k < keys.length; k++) {
    const p = table.partitions.get(keys[k]);
    if (!p) {
      skipCk = undefined;
      continue;
    }
    const rows = p.rows;
    // `reversed` is relative to clustering order; rows may be stored back to front.
    if (reversed === table.storageReversed) {
      let i = 0;
      if (skipCk) {
        i = lowerBound(table, rows, skipCk);
        if (i < rows.length && table.compareCk(rows[i].ck, skipCk) === 0) i++;
      }
      for (; i < rows.length; i++) if (matches(p, rows[i])) yield [p, rows[i]];
    } else {
      let i = rows.length - 1;
      if (skipCk) i = lowerBound(table, rows, skipCk) - 1;
      for (; i >= 0; i--) if (matches(p, rows[i])) yield [p, rows[i]];
    }
    skipCk = undefined;
  }
}

export function makePredicate(
  f: Filter,
  values: WireValue[],
): (p: Partition, r: Row, now: number) => boolean {
  const targets = resolveKeyValues(f.restriction, values);
  const { col, op } = f;
  const get = (p: Partition, r: Row, now: number): Buffer | null => {
    if (col.kind === 'partition_key') return p.key[col.position];
    if (col.kind === 'clustering') return r.ck[col.position];
    return cellValue(r, col.position, now);
  };
  const cmp = col.compare;
  return (p, r, now) => {
    const v = get(p, r, now);
    if (v === null) return false;
    switch (op) {
      case '=':
      case 'IN':
        return targets.some((t) => cmp(v, t) === 0);
      case '<':
        return cmp(v, targets[0]) < 0;
      case '<=':
        return cmp(v, targets[0]) <= 0;
      case '>':
        return cmp(v, targets[0]) > 0;
      case '>=':
        return cmp(v, targets[0]) >= 0;
    }
  };
}
