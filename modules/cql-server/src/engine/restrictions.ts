import type { Relation, Term } from '../cql/ast.js';
import { invalidRequest } from '../protocol/errors.js';
import type { WireValue } from '../protocol/reader.js';
import { listOf } from '../types/cql-type.js';
import type { ColumnSpec } from './result.js';
import type { ColumnDef, Table } from './table.js';
import { type ValueSource, resolveKey, sourceFor, splitCollection } from './values.js';

/** Values a key column is restricted to: `= v`, `IN (a, b)` or `IN ?`. */
export type KeyRestriction =
  | { kind: 'values'; sources: ValueSource[] }
  | { kind: 'inMarker'; source: ValueSource; column: ColumnDef };

/** Records the variable spec of each bind marker as terms are compiled. */
export class BindCollector {
  readonly specs: ColumnSpec[];
  readonly names: (string | undefined)[];

  constructor(
    count: number,
    private readonly table: Table,
  ) {
    this.specs = new Array(count);
    this.names = new Array(count);
  }

  /** Compiles a term for a column, recording the marker's spec when it is a bind marker. */
  source(term: Term, col: ColumnDef, specName = col.name, type = col.type): ValueSource {
    if (term.kind === 'bind') {
      // A named marker is described by its own name, so drivers can bind by that name.
      const name = term.name ?? specName;
      this.specs[term.index] = { keyspace: this.table.keyspace, table: this.table.name, name, type };
      this.names[term.index] = term.name;
    }
    return sourceFor(term, type, col.name);
  }

  /** Every marker must have been given a spec (else the statement used one where none is allowed). */
  finish(): ColumnSpec[] {
    for (let i = 0; i < this.specs.length; i++) {
      if (!this.specs[i]) throw invalidRequest(`Bind marker ${i} is not allowed at this position`);
    }
    return this.specs;
  }
}

export function keyRestriction(rel: Relation, col: ColumnDef, binds: BindCollector): KeyRestriction {
  if (rel.op !== 'IN') return { kind: 'values', sources: [binds.source(rel.value as Term, col)] };
  if (rel.inMarker) {
    const term = rel.value as Term;
    return {
      kind: 'inMarker',
      source: binds.source(term, col, `in(${col.name})`, listOf(col.type)),
      column: col,
    };
  }
  return { kind: 'values', sources: (rel.value as Term[]).map((t) => binds.source(t, col)) };
}

export function resolveKeyValues(r: KeyRestriction, values: WireValue[]): Buffer[] {
  if (r.kind === 'values') return r.sources.map((s) => resolveKey(s, values, columnOf(s)));
  const list = resolveKey(r.source, values, r.column.name);
  return splitCollection(list, r.column.type, r.column.name);
}

function columnOf(s: ValueSource): string {
  return 'column' in s ? s.column : 'key';
}

const MAX_CARTESIAN = 100_000;

/** All combinations of per-component values (for IN on several key components). */
export function cartesian(parts: Buffer[][]): Buffer[][] {
  const size = parts.reduce((n, p) => n * p.length, 1);
  if (size > MAX_CARTESIAN) {
    throw invalidRequest(`IN restrictions produce ${size} key combinations; the maximum is ${MAX_CARTESIAN}`);
  }
  let out: Buffer[][] = [[]];
  for (const options of parts) {
    const next: Buffer[][] = [];
    for (const prefix of out) for (const v of options) next.push([...prefix, v]);
    out = next;
  }
  return out;
}

export function columnOrFail(table: Table, name: string): ColumnDef {
  const c = table.byName.get(name);
  if (!c) throw invalidRequest(`Undefined column name ${name} in table ${table.keyspace}.${table.name}`);
  return c;
}
