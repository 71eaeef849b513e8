import type { Update } from '../cql/ast.js';
import { invalidRequest } from '../protocol/errors.js';
import { checkConsistency } from './consistency.js';
import type { Database } from './database.js';
import type { Mutation } from './mutation.js';
import { BindCollector, cartesian, columnOrFail, resolveKeyValues } from './restrictions.js';
import type { Compiled } from './result.js';
import { type ValueSource, resolve } from './values.js';
import { expiryOf, keyWhere, pkIndexesFor, unconditionalWrite, usingSources } from './write-common.js';

export function compileUpdate(
  db: Database,
  stmt: Update,
  bindCount: number,
  sessionKs: string | undefined,
): Compiled {
  const table = db.writableTable(stmt.table.keyspace ?? sessionKs, stmt.table.name);
  const keyspace = db.keyspace(table.keyspace);
  const binds = new BindCollector(bindCount, table);
  const using = usingSources(stmt.using, binds);
  const cells: { name: string; src: ValueSource }[] = [];
  for (const a of stmt.assignments) {
    const col = columnOrFail(table, a.column);
    if (col.kind !== 'regular') throw invalidRequest(`PRIMARY KEY part ${col.name} found in SET part`);
    cells.push({ name: col.name, src: binds.source(a.value, col) });
  }
  const where = keyWhere(table, stmt.where, binds);
  const missingCk = table.clustering.filter((c) => !where.ck[c.position]).map((c) => c.name);
  if (missingCk.length) throw invalidRequest(`Some clustering keys are missing: ${missingCk.join(', ')}`);
  const bindSpecs = binds.finish();
  const base = {
    keyspace: table.keyspace,
    table: table.name,
    bindSpecs,
    bindNames: binds.names,
    pkIndexes: pkIndexesFor(table, stmt.where),
  };
  return unconditionalWrite(db, base, (values, options) => {
    const expiry = expiryOf(using, table, values);
    const cellValues: [string, Buffer | null][] = [];
    for (const c of cells) {
      const v = resolve(c.src, values);
      if (v !== undefined) cellValues.push([c.name, v]);
    }
    const pks = cartesian(where.pk.map((r) => resolveKeyValues(r, values)));
    const cks = cartesian(where.ck.map((r) => resolveKeyValues(r!, values)));
    checkConsistency(keyspace, options.consistency);
    const mutations: Mutation[] = [];
    for (const pk of pks) {
      for (const ck of cks) {
        mutations.push({
          op: 'upsert',
          keyspace: table.keyspace,
          table: table.name,
          pk,
          ck,
          cells: cellValues,
          marker: false,
          expiry,
        });
      }
    }
    return mutations;
  });
}
