import { invalidRequest } from '../protocol/errors.js';
import { type Partition, type Row, type Table, lowerBound, partitionKeyString } from './table.js';

/**
 * A resolved data change, the unit written to the commit log and replayed at start. Every mutation
 * is idempotent (it assigns values, it never increments), so replaying one twice is harmless.
 */
export type Mutation =
  | {
      op: 'upsert';
      keyspace: string;
      table: string;
      pk: Buffer[];
      ck: Buffer[];
      /** Regular cells by column name; null deletes the cell. */
      cells: [string, Buffer | null][];
      /** INSERT writes a row marker, UPDATE does not. */
      marker: boolean;
      /** Absolute expiry (ms since epoch) of this write's cells and marker, 0 = never. */
      expiry: number;
    }
  | {
      op: 'delete';
      keyspace: string;
      table: string;
      pk: Buffer[];
      /** Equality prefix of the clustering key; empty deletes the whole partition. */
      ckPrefix: Buffer[];
      /** Columns to null; empty deletes the rows. */
      columns: string[];
    }
  | { op: 'truncate'; keyspace: string; table: string }
  /** A schema statement, replayed through the executor. */
  | { op: 'ddl'; keyspace: string; cql: string };

/** One commit-log record counts its mutations in an unsigned short. */
export const MAX_MUTATIONS_PER_WRITE = 0xffff;

/** Refuses a statement or BATCH that would not fit in one commit-log record. */
export function checkWriteSize(count: number): void {
  if (count > MAX_MUTATIONS_PER_WRITE) {
    throw invalidRequest(
      `Too many row mutations in one statement or BATCH: ${count}; the maximum is ${MAX_MUTATIONS_PER_WRITE}`,
    );
  }
}

/** Applies a data mutation to a table (the caller resolved keyspace/table). */
export function applyToTable(table: Table, m: Mutation): void {
  switch (m.op) {
    case 'upsert':
      upsert(table, m);
      return;
    case 'delete':
      deleteRows(table, m.pk, m.ckPrefix, m.columns);
      return;
    case 'truncate':
      table.partitions.clear();
      return;
    case 'ddl':
      throw new Error('applyToTable: ddl mutations are replayed by the executor');
  }
}

/**
 * Stored values are copied: bound values are views into a connection's receive buffer, and keeping
 * one would keep that whole buffer alive for as long as the cell lives.
 */
const own = (b: Buffer): Buffer => Buffer.from(b);

function upsert(table: Table, m: Extract<Mutation, { op: 'upsert' }>): void {
  const key = partitionKeyString(m.pk);
  let partition = table.partitions.get(key);
  if (!partition) {
    partition = { key: m.pk.map(own), rows: [] };
    table.partitions.set(key, partition);
  }
  const row = findOrCreateRow(table, partition, m.ck);
  if (m.marker) {
    row.marker = true;
    row.markerExpiry = m.expiry;
  }
  for (const [name, value] of m.cells) {
    const col = table.byName.get(name);
    // A column can be missing when replaying a log written before a DROP/CREATE of the table.
    if (col?.kind !== 'regular') continue;
    row.cells[col.position] = value === null ? null : own(value);
    row.expiry[col.position] = value === null ? 0 : m.expiry;
  }
}

function findOrCreateRow(table: Table, partition: Partition, ck: Buffer[]): Row {
  const rows = partition.rows;
  // Appends in clustering order are the common case (time series); check the tail first.
  const last = rows[rows.length - 1];
  // Out-of-order inserts before the first row (rare when storage order follows arrival order).
  if (rows.length > 1 && table.physicalCompare(ck, rows[0].ck) < 0) {
    const row = newRow(table, ck);
    rows.unshift(row);
    return row;
  }
  if (last) {
    const c = table.physicalCompare(last.ck, ck);
    if (c === 0) return last;
    if (c > 0) {
      const i = lowerBound(table, rows, ck);
      if (i < rows.length && table.compareCk(rows[i].ck, ck) === 0) return rows[i];
      const row = newRow(table, ck);
      rows.splice(i, 0, row);
      return row;
    }
  }
  const row = newRow(table, ck);
  rows.push(row);
  return row;
}

function newRow(table: Table, ck: Buffer[]): Row {
  const n = table.regular.length;
  return {
    ck: ck.map(own),
    cells: new Array(n).fill(null),
    expiry: new Array(n).fill(0),
    marker: false,
    markerExpiry: 0,
  };
}

function deleteRows(table: Table, pk: Buffer[], ckPrefix: Buffer[], columns: string[]): void {
  const key = partitionKeyString(pk);
  const partition = table.partitions.get(key);
  if (!partition) return;
  if (ckPrefix.length === 0 && columns.length === 0) {
    table.partitions.delete(key);
    return;
  }
  const rows = partition.rows;
  let i = ckPrefix.length === 0 ? 0 : lowerBound(table, rows, ckPrefix);
  const matches = (r: Row) => table.compareCk(r.ck, ckPrefix) === 0;
  if (columns.length === 0) {
    let j = i;
    while (j < rows.length && matches(rows[j])) j++;
    rows.splice(i, j - i);
  } else {
    const slots = columns.map((c) => table.byName.get(c)?.position ?? -1).filter((p) => p >= 0);
    for (; i < rows.length && matches(rows[i]); i++) {
      for (const s of slots) {
        rows[i].cells[s] = null;
        rows[i].expiry[s] = 0;
      }
    }
  }
  if (rows.length === 0) table.partitions.delete(key);
}
