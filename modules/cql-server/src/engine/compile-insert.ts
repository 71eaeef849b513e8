import type { Insert } from '../cql/ast.js';
import { invalidRequest } from '../protocol/errors.js';
import type { WireValue } from '../protocol/reader.js';
import { nativeType } from '../types/cql-type.js';
import { checkConsistency } from './consistency.js';
import type { Database } from './database.js';
import type { Mutation } from './mutation.js';
import { BindCollector, columnOrFail } from './restrictions.js';
import type { ColumnSpec, Compiled, ExecResult } from './result.js';
import { type ColumnDef, type Table, isRowLive, lowerBound, partitionKeyString } from './table.js';
import { type ValueSource, resolve, resolveKey } from './values.js';
import { VOID, done, expiryOf, usingSources } from './write-common.js';

function missing(kind: string, cols: ColumnDef[], given: Set<string>): void {
  const absent = cols.filter((c) => !given.has(c.name)).map((c) => c.name);
  if (absent.length) throw invalidRequest(`Some ${kind} are missing: ${absent.join(', ')}`);
}

export function compileInsert(
  db: Database,
  stmt: Insert,
  bindCount: number,
  sessionKs: string | undefined,
): Compiled {
  const table = db.writableTable(stmt.table.keyspace ?? sessionKs, stmt.table.name);
  const keyspace = db.keyspace(table.keyspace);
  const binds = new BindCollector(bindCount, table);
  if (stmt.columns.length !== stmt.values.length) throw invalidRequest('Unmatched column names/values');
  const seen = new Set<string>();
  const pk: ValueSource[] = new Array(table.partitionKey.length);
  const ck: ValueSource[] = new Array(table.clustering.length);
  const cells: { name: string; src: ValueSource }[] = [];
  stmt.columns.forEach((name, i) => {
    const col = columnOrFail(table, name);
    if (seen.has(name)) throw invalidRequest(`Multiple definitions found for column ${name}`);
    seen.add(name);
    const src = binds.source(stmt.values[i], col);
    if (col.kind === 'partition_key') pk[col.position] = src;
    else if (col.kind === 'clustering') ck[col.position] = src;
    else cells.push({ name, src });
  });
  missing('partition key parts', table.partitionKey, seen);
  missing('clustering keys', table.clustering, seen);
  const using = usingSources(stmt.using, binds);
  const bindSpecs = binds.finish();
  const pkIndexes = pk.every((s) => 'bind' in s) ? pk.map((s) => (s as { bind: number }).bind) : [];
  const ifNotExists = stmt.ifNotExists;
  const appliedColumns: ColumnSpec[] = [
    { keyspace: table.keyspace, table: table.name, name: '[applied]', type: nativeType('boolean') },
  ];

  return {
    keyspace: table.keyspace,
    table: table.name,
    bindSpecs,
    bindNames: binds.names,
    pkIndexes,
    resultColumns: ifNotExists ? appliedColumns : undefined,
    isWrite: true,
    mutations: ifNotExists
      ? undefined
      : (values, options) => {
          const m = buildInsert(values);
          checkConsistency(keyspace, options.consistency);
          return [m];
        },
    execute(values, options) {
      const m = buildInsert(values);
      checkConsistency(keyspace, options.consistency);
      if (!ifNotExists) return done(db.write([m]), VOID);
      const existing = findRow(table, m.pk, m.ck);
      if (existing) return notApplied(table, m.pk, existing, appliedColumns);
      return done(db.write([m]), { kind: 'rows', columns: appliedColumns, rows: [[Buffer.from([1])]] });
    },
  };

  function buildInsert(values: WireValue[]): Extract<Mutation, { op: 'upsert' }> {
    const pkValues = pk.map((s, i) => resolveKey(s, values, table.partitionKey[i].name));
    const ckValues = ck.map((s, i) => resolveKey(s, values, table.clustering[i].name));
    const cellValues: [string, Buffer | null][] = [];
    for (const c of cells) {
      const v = resolve(c.src, values);
      if (v !== undefined) cellValues.push([c.name, v]);
    }
    return {
      op: 'upsert',
      keyspace: table.keyspace,
      table: table.name,
      pk: pkValues,
      ck: ckValues,
      cells: cellValues,
      marker: true,
      expiry: expiryOf(using, table, values),
    };
  }
}

function findRow(table: Table, pk: Buffer[], ck: Buffer[]) {
  const p = table.partitions.get(partitionKeyString(pk));
  if (!p) return undefined;
  const i = lowerBound(table, p.rows, ck);
  const row = p.rows[i];
  if (!row || table.compareCk(row.ck, ck) !== 0 || !isRowLive(row, Date.now())) return undefined;
  return row;
}

function notApplied(
  table: Table,
  pk: Buffer[],
  row: NonNullable<ReturnType<typeof findRow>>,
  appliedColumns: ColumnSpec[],
): ExecResult {
  const columns = [...appliedColumns];
  const values: (Buffer | null)[] = [Buffer.from([0])];
  for (const col of table.columns) {
    columns.push({ keyspace: table.keyspace, table: table.name, name: col.name, type: col.type });
    if (col.kind === 'partition_key') values.push(pk[col.position]);
    else if (col.kind === 'clustering') values.push(row.ck[col.position]);
    else values.push(row.cells[col.position]);
  }
  return { kind: 'rows', columns, rows: [values] };
}
