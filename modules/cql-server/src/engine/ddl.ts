import type { AlterTable, CreateKeyspace, CreateTable, DropKeyspace, DropTable, Use } from '../cql/ast.js';
import { CqlError, ErrorCode, invalidRequest } from '../protocol/errors.js';
import { USER_TYPES, typeToCql } from '../types/cql-type.js';
import type { Database } from './database.js';
import type { Compiled, ExecResult, SchemaChange } from './result.js';
import { Table } from './table.js';

const SYSTEM_KEYSPACES = new Set([
  'system',
  'system_schema',
  'system_auth',
  'system_distributed',
  'system_traces',
]);

function schemaCompiled(run: (sessionKs: string | undefined) => ExecResult | Promise<ExecResult>): Compiled {
  return {
    bindSpecs: [],
    bindNames: [],
    pkIndexes: [],
    isWrite: true,
    execute: (_v, _o, session) => run(session.keyspace),
  };
}

/** Applies the change, logs the statement, then announces it once durable. */
function commitSchema(db: Database, cql: string, sessionKs: string | undefined, change: SchemaChange) {
  const durable = db.sink?.append([{ op: 'ddl', keyspace: sessionKs ?? '', cql }]);
  db.schemaChanged(change);
  const result: ExecResult = { kind: 'schemaChange', change };
  return durable ? durable.then(() => result) : result;
}

const STRATEGIES: Record<string, string> = {
  simplestrategy: 'org.apache.cassandra.locator.SimpleStrategy',
  networktopologystrategy: 'org.apache.cassandra.locator.NetworkTopologyStrategy',
};

export function compileCreateKeyspace(db: Database, stmt: CreateKeyspace, cql: string): Compiled {
  return schemaCompiled((sessionKs) => {
    if (db.keyspaces.has(stmt.name)) {
      if (stmt.ifNotExists) return { kind: 'void' };
      throw new CqlError(ErrorCode.alreadyExists, `Keyspace ${stmt.name} already exists`, {
        kind: 'alreadyExists',
        keyspace: stmt.name,
        table: '',
      });
    }
    if (SYSTEM_KEYSPACES.has(stmt.name)) throw invalidRequest(`${stmt.name} is a reserved keyspace name`);
    const cls = stmt.replication.class;
    if (!cls) throw new CqlError(ErrorCode.configError, 'Missing replication strategy class');
    const short = cls.split('.').pop()!.toLowerCase();
    const full = STRATEGIES[short];
    if (!full)
      throw new CqlError(ErrorCode.configError, `Unable to find replication strategy class '${cls}'`);
    const replication: Record<string, string> = { ...stmt.replication, class: full };
    if (short === 'simplestrategy' && !/^\d+$/.test(replication.replication_factor ?? '')) {
      throw new CqlError(
        ErrorCode.configError,
        'SimpleStrategy requires a replication_factor strategy option.',
      );
    }
    db.keyspaces.set(stmt.name, {
      name: stmt.name,
      replication,
      durableWrites: stmt.durableWrites,
      tables: new Map(),
      system: false,
    });
    return commitSchema(db, cql, sessionKs, { change: 'CREATED', target: 'KEYSPACE', keyspace: stmt.name });
  });
}

export function compileDropKeyspace(db: Database, stmt: DropKeyspace, cql: string): Compiled {
  return schemaCompiled((sessionKs) => {
    const ks = db.keyspaces.get(stmt.name);
    if (!ks) {
      if (stmt.ifExists) return { kind: 'void' };
      throw new CqlError(ErrorCode.configError, `Cannot drop non existing keyspace '${stmt.name}'.`);
    }
    if (ks.system) throw new CqlError(ErrorCode.unauthorized, `${ks.name} keyspace is not user-modifiable.`);
    db.keyspaces.delete(stmt.name);
    return commitSchema(db, cql, sessionKs, { change: 'DROPPED', target: 'KEYSPACE', keyspace: stmt.name });
  });
}

export function compileCreateTable(db: Database, stmt: CreateTable, cql: string): Compiled {
  return schemaCompiled((sessionKs) => {
    const ks = db.keyspace(stmt.table.keyspace ?? sessionKs);
    if (ks.system) throw new CqlError(ErrorCode.unauthorized, `${ks.name} keyspace is not user-modifiable.`);
    const name = stmt.table.name;
    if (ks.tables.has(name)) {
      if (stmt.ifNotExists) return { kind: 'void' };
      throw new CqlError(
        ErrorCode.alreadyExists,
        `Cannot add already existing table "${name}" to keyspace "${ks.name}"`,
        {
          kind: 'alreadyExists',
          keyspace: ks.name,
          table: name,
        },
      );
    }
    const names = new Set<string>();
    for (const c of stmt.columns) {
      if (names.has(c.name)) throw invalidRequest(`Multiple definition of identifier ${c.name}`);
      names.add(c.name);
      if (c.type.kind !== 'native' || !USER_TYPES.has(c.type.name)) {
        throw invalidRequest(`Type ${typeToCql(c.type)} of column ${c.name} is not supported by this server`);
      }
    }
    if (stmt.partitionKey.length === 0)
      throw invalidRequest('No PRIMARY KEY specifed (exactly one required)');
    const keyCols = [...stmt.partitionKey, ...stmt.clustering];
    for (const k of keyCols) {
      if (!names.has(k)) throw invalidRequest(`Unknown definition ${k} referenced in PRIMARY KEY`);
    }
    if (new Set(keyCols).size !== keyCols.length) throw invalidRequest('Duplicate column in PRIMARY KEY');
    const orderCols = [...stmt.clusteringOrder.keys()];
    orderCols.forEach((c, i) => {
      if (stmt.clustering[i] !== c) {
        throw invalidRequest(
          'Only clustering key columns can be defined in CLUSTERING ORDER directive, in their declared order',
        );
      }
    });
    const defaultTtl = Number(stmt.options.default_time_to_live ?? 0);
    if (!Number.isInteger(defaultTtl) || defaultTtl < 0)
      throw invalidRequest('default_time_to_live must be a positive integer');
    const table = new Table(
      ks.name,
      name,
      stmt.columns,
      stmt.partitionKey,
      stmt.clustering.map((c) => ({ name: c, desc: stmt.clusteringOrder.get(c) === 'DESC' })),
      { comment: String(stmt.options.comment ?? ''), defaultTtl },
    );
    ks.tables.set(name, table);
    return commitSchema(db, cql, sessionKs, { change: 'CREATED', target: 'TABLE', keyspace: ks.name, name });
  });
}

export function compileDropTable(db: Database, stmt: DropTable, cql: string): Compiled {
  return schemaCompiled((sessionKs) => {
    const ksName = stmt.table.keyspace ?? sessionKs;
    const ks = stmt.ifExists && ksName !== undefined ? db.keyspaces.get(ksName) : db.keyspace(ksName);
    if (ks?.system) throw new CqlError(ErrorCode.unauthorized, `${ks.name} keyspace is not user-modifiable.`);
    if (!ks?.tables.has(stmt.table.name)) {
      if (stmt.ifExists) return { kind: 'void' };
      throw invalidRequest(`Table '${ksName}.${stmt.table.name}' doesn't exist`);
    }
    ks.tables.delete(stmt.table.name);
    return commitSchema(db, cql, sessionKs, {
      change: 'DROPPED',
      target: 'TABLE',
      keyspace: ks.name,
      name: stmt.table.name,
    });
  });
}

export function compileUse(db: Database, stmt: Use): Compiled {
  return {
    bindSpecs: [],
    bindNames: [],
    pkIndexes: [],
    isWrite: false,
    execute(_v, _o, session) {
      if (!db.keyspaces.has(stmt.keyspace))
        throw invalidRequest(`Keyspace '${stmt.keyspace}' does not exist`);
      session.keyspace = stmt.keyspace;
      return { kind: 'setKeyspace', keyspace: stmt.keyspace };
    },
  };
}

/**
 * ALTER TABLE ADD/DROP of regular columns: builds the new table and moves the rows over, mapping
 * cells by name (cell slots follow the alphabetical order of regular columns).
 */
export function compileAlterTable(db: Database, stmt: AlterTable, cql: string): Compiled {
  return schemaCompiled((sessionKs) => {
    const ks = db.keyspace(stmt.table.keyspace ?? sessionKs);
    if (ks.system) throw new CqlError(ErrorCode.unauthorized, `${ks.name} keyspace is not user-modifiable.`);
    const old = ks.tables.get(stmt.table.name);
    if (!old) throw invalidRequest(`unconfigured table ${stmt.table.name}`);
    const columns = old.columns.map((c) => ({ name: c.name, type: c.type }));
    for (const a of stmt.add) {
      if (old.byName.has(a.name)) throw invalidRequest(`Column with name '${a.name}' already exists`);
      if (a.type.kind !== 'native' || !USER_TYPES.has(a.type.name)) {
        throw invalidRequest(`Type ${typeToCql(a.type)} of column ${a.name} is not supported by this server`);
      }
      columns.push(a);
    }
    for (const d of stmt.drop) {
      const col = old.byName.get(d);
      if (!col) throw invalidRequest(`Column ${d} was not found in table ${old.name}`);
      if (col.kind !== 'regular') throw invalidRequest(`Cannot drop PRIMARY KEY part ${d}`);
    }
    const dropped = new Set(stmt.drop);
    const table = new Table(
      ks.name,
      old.name,
      columns.filter((c) => !dropped.has(c.name)),
      old.partitionKey.map((c) => c.name),
      old.clustering.map((c, i) => ({ name: c.name, desc: old.clusteringDesc[i] })),
      old.options,
      old.id,
    );
    const slotMap = table.regular.map((c) => old.byName.get(c.name)?.position ?? -1);
    for (const [key, p] of old.partitions) {
      const rows = p.rows.map((r) => ({
        ...r,
        cells: slotMap.map((s) => (s >= 0 ? r.cells[s] : null)),
        expiry: slotMap.map((s) => (s >= 0 ? r.expiry[s] : 0)),
      }));
      table.partitions.set(key, { key: p.key, rows });
    }
    ks.tables.set(old.name, table);
    return commitSchema(db, cql, sessionKs, {
      change: 'UPDATED',
      target: 'TABLE',
      keyspace: ks.name,
      name: old.name,
    });
  });
}
