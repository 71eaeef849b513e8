import type { Delete, Truncate } from '../cql/ast.js';
import { invalidRequest } from '../protocol/errors.js';
import { checkConsistency } from './consistency.js';
import type { Database } from './database.js';
import type { Mutation } from './mutation.js';
import { BindCollector, cartesian, columnOrFail, resolveKeyValues } from './restrictions.js';
import type { Compiled } from './result.js';
import { VOID, done, keyWhere, pkIndexesFor, unconditionalWrite, usingSources } from './write-common.js';

export function compileDelete(
  db: Database,
  stmt: Delete,
  bindCount: number,
  sessionKs: string | undefined,
): Compiled {
  const table = db.writableTable(stmt.table.keyspace ?? sessionKs, stmt.table.name);
  const keyspace = db.keyspace(table.keyspace);
  const binds = new BindCollector(bindCount, table);
  for (const name of stmt.columns) {
    const col = columnOrFail(table, name);
    if (col.kind !== 'regular') {
      throw invalidRequest(`Invalid identifier ${name} for deletion (should not be a PRIMARY KEY part)`);
    }
  }
  usingSources(stmt.using, binds);
  const where = keyWhere(table, stmt.where, binds);
  let prefix = 0;
  while (prefix < table.clustering.length && where.ck[prefix]) prefix++;
  const gap = where.ck.findIndex((r, i) => i > prefix && r);
  if (gap > 0) {
    throw invalidRequest(
      `PRIMARY KEY column "${table.clustering[gap].name}" cannot be restricted as preceding column "${table.clustering[gap - 1].name}" is not restricted`,
    );
  }
  if (stmt.columns.length > 0 && prefix < table.clustering.length) {
    throw invalidRequest('Range deletions are not supported for specific columns');
  }
  const bindSpecs = binds.finish();
  const base = {
    keyspace: table.keyspace,
    table: table.name,
    bindSpecs,
    bindNames: binds.names,
    pkIndexes: pkIndexesFor(table, stmt.where),
  };
  return unconditionalWrite(db, base, (values, options) => {
    const pks = cartesian(where.pk.map((r) => resolveKeyValues(r, values)));
    const cks = cartesian(where.ck.slice(0, prefix).map((r) => resolveKeyValues(r!, values)));
    checkConsistency(keyspace, options.consistency);
    const mutations: Mutation[] = [];
    for (const pk of pks) {
      for (const ckPrefix of cks) {
        mutations.push({
          op: 'delete',
          keyspace: table.keyspace,
          table: table.name,
          pk,
          ckPrefix,
          columns: stmt.columns,
        });
      }
    }
    return mutations;
  });
}

export function compileTruncate(db: Database, stmt: Truncate, sessionKs: string | undefined): Compiled {
  const table = db.writableTable(stmt.table.keyspace ?? sessionKs, stmt.table.name);
  const keyspace = db.keyspace(table.keyspace);
  // No `mutations`: like Cassandra, a BATCH takes INSERT, UPDATE and DELETE only.
  return {
    keyspace: table.keyspace,
    table: table.name,
    bindSpecs: [],
    bindNames: [],
    pkIndexes: [],
    isWrite: true,
    execute(_values, options) {
      checkConsistency(keyspace, options.consistency);
      return done(db.write([{ op: 'truncate', keyspace: table.keyspace, table: table.name }]), VOID);
    },
  };
}
