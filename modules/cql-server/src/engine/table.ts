import { randomUUID } from 'node:crypto';
import { type CqlType, typeToCql } from '../types/cql-type.js';
import { type Comparator, comparatorFor } from '../types/compare.js';

export type ColumnKind = 'partition_key' | 'clustering' | 'regular';

export interface ColumnDef {
  name: string;
  type: CqlType;
  kind: ColumnKind;
  /** Position within its kind (pk component, clustering component, regular cell slot). */
  position: number;
  compare: Comparator;
}

/** One row of a partition; `cells[i]` belongs to regular column i. */
export interface Row {
  ck: Buffer[];
  cells: (Buffer | null)[];
  /** Per cell absolute expiry in ms since epoch, 0 = never. */
  expiry: number[];
  /** Row marker written by INSERT; keeps the row alive even when all cells are null. */
  marker: boolean;
  markerExpiry: number;
}

/**
 * A partition keeps its rows sorted by clustering key (respecting DESC clustering order); physically
 * reversed when `Table.storageReversed`, so always go through `physicalCompare`/`lowerBound`.
 */
export interface Partition {
  key: Buffer[];
  rows: Row[];
}

export interface TableOptions {
  comment: string;
  defaultTtl: number;
}

export class Table {
  readonly columns: ColumnDef[];
  readonly byName = new Map<string, ColumnDef>();
  readonly partitionKey: ColumnDef[];
  readonly clustering: ColumnDef[];
  readonly regular: ColumnDef[];
  readonly partitions = new Map<string, Partition>();
  readonly compareCk: (a: Buffer[], b: Buffer[]) => number;

  constructor(
    readonly keyspace: string,
    readonly name: string,
    columns: { name: string; type: CqlType }[],
    partitionKey: string[],
    clustering: { name: string; desc: boolean }[],
    readonly options: TableOptions = { comment: '', defaultTtl: 0 },
    readonly id: string = randomUUID(),
  ) {
    const typeOf = new Map(columns.map((c) => [c.name, c.type]));
    const def = (name: string, kind: ColumnKind, position: number): ColumnDef => {
      const type = typeOf.get(name)!;
      return { name, type, kind, position, compare: comparatorFor(type) };
    };
    this.partitionKey = partitionKey.map((n, i) => def(n, 'partition_key', i));
    this.clustering = clustering.map((c, i) => def(c.name, 'clustering', i));
    const keyNames = new Set([...partitionKey, ...clustering.map((c) => c.name)]);
    // Cassandra lists regular columns alphabetically after the key columns in `SELECT *`.
    this.regular = columns
      .map((c) => c.name)
      .filter((n) => !keyNames.has(n))
      .sort()
      .map((n, i) => def(n, 'regular', i));
    this.columns = [...this.partitionKey, ...this.clustering, ...this.regular];
    for (const c of this.columns) this.byName.set(c.name, c);
    const cmps = this.clustering.map((c) => c.compare);
    const desc = clustering.map((c) => c.desc);
    this.clusteringDesc = desc;
    // Compares the common prefix only: a row matches a key prefix when the result is 0.
    this.compareCk = (a, b) => {
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) {
        const r = cmps[i](a[i], b[i]);
        if (r !== 0) return desc[i] ? -r : r;
      }
      return 0;
    };
    // Time series usually arrive in increasing clustering values; storing a table whose first
    // clustering column is DESC back to front turns those inserts into appends.
    this.storageReversed = desc[0] === true;
    this.physicalCompare = this.storageReversed ? (a, b) => -this.compareCk(a, b) : this.compareCk;
  }

  readonly clusteringDesc: boolean[];
  /** True when `Partition.rows` holds rows in reverse clustering order (see constructor). */
  readonly storageReversed: boolean;
  /** Order of `Partition.rows` (clustering order, or its reverse when storageReversed). */
  readonly physicalCompare: (a: Buffer[], b: Buffer[]) => number;
  /** System tables rebuild their rows from the schema before a read. */
  beforeRead?: () => void;

  describeColumns(): { name: string; type: string; kind: ColumnKind; position: number; order: string }[] {
    return this.columns.map((c) => ({
      name: c.name,
      type: typeToCql(c.type),
      kind: c.kind,
      position: c.kind === 'regular' ? -1 : c.position,
      order: c.kind === 'clustering' ? (this.clusteringDesc[c.position] ? 'desc' : 'asc') : 'none',
    }));
  }
}

/** Map key of a partition: length-prefixed latin1 image of the key components (1 char = 1 byte). */
export function partitionKeyString(key: Buffer[]): string {
  if (key.length === 1) return key[0].toString('latin1');
  let s = '';
  for (const k of key) s += String.fromCharCode(k.length >> 8, k.length & 0xff) + k.toString('latin1');
  return s;
}

/** Index of the first row (in physical order) not before `ck`, a full key or a prefix (binary search). */
export function lowerBound(table: Table, rows: Row[], ck: Buffer[]): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table.physicalCompare(rows[mid].ck, ck) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isRowLive(row: Row, now: number): boolean {
  if (row.marker && (row.markerExpiry === 0 || row.markerExpiry > now)) return true;
  for (let i = 0; i < row.cells.length; i++) {
    if (row.cells[i] !== null && (row.expiry[i] === 0 || row.expiry[i] > now)) return true;
  }
  return false;
}

export function cellValue(row: Row, i: number, now: number): Buffer | null {
  const v = row.cells[i];
  if (v === null) return null;
  const e = row.expiry[i];
  return e === 0 || e > now ? v : null;
}
