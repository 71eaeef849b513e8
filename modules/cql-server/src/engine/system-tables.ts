import { jsToBytes } from '../types/codec.js';
import type { Database } from './database.js';
import type { Keyspace } from './keyspace.js';
import { type Columns, SYSTEM_TABLES, type SystemRow } from './system-table-definitions.js';
import { Table, partitionKeyString } from './table.js';

export { CQL_VERSION, DATACENTER, RELEASE_VERSION } from './system-table-definitions.js';

/**
 * A read-only table whose rows are regenerated from `rows()` whenever `version()` changed (by
 * default the schema version).
 */
export function virtualTable(
  db: Database,
  keyspace: string,
  name: string,
  cols: Columns,
  pk: string[],
  ck: string[],
  rows: () => SystemRow[],
  version: () => string = () => db.schemaVersion,
): Table {
  const table = new Table(
    keyspace,
    name,
    cols.map(([n, type]) => ({ name: n, type })),
    pk,
    ck.map((c) => ({ name: c, desc: false })),
  );
  let builtFor = '';
  table.beforeRead = () => {
    if (builtFor === version()) return;
    builtFor = version();
    table.partitions.clear();
    for (const r of rows()) {
      const key = table.partitionKey.map((c) => jsToBytes(c.type, r[c.name])!);
      const ckv = table.clustering.map((c) => jsToBytes(c.type, r[c.name])!);
      const k = partitionKeyString(key);
      let p = table.partitions.get(k);
      if (!p) {
        p = { key, rows: [] };
        table.partitions.set(k, p);
      }
      const cells = table.regular.map((c) => jsToBytes(c.type, r[c.name]));
      p.rows.push({ ck: ckv, cells, expiry: cells.map(() => 0), marker: true, markerExpiry: 0 });
      p.rows.sort((a, b) => table.physicalCompare(a.ck, b.ck));
    }
  };
  return table;
}

/** Installs the `system` and `system_schema` keyspaces that cassandra-driver reads at connect. */
export function installSystemKeyspaces(db: Database, address: () => string, hostId: string): void {
  const source = {
    db,
    ipv4: () => (/^\d+\.\d+\.\d+\.\d+$/.test(address()) ? address() : '127.0.0.1'),
    hostId,
    gossipGeneration: Math.floor(Date.now() / 1000),
  };
  for (const name of ['system', 'system_schema'] as const) {
    const keyspace: Keyspace = {
      name,
      replication: { class: 'org.apache.cassandra.locator.LocalStrategy' },
      durableWrites: true,
      tables: new Map(),
      system: true,
    };
    for (const definition of SYSTEM_TABLES.filter((t) => t.keyspace === name)) {
      const rows = definition.rows;
      const table = virtualTable(
        db,
        name,
        definition.name,
        definition.columns,
        definition.partitionKey,
        definition.clustering,
        rows ? () => rows(source) : () => [],
      );
      keyspace.tables.set(table.name, table);
    }
    db.keyspaces.set(name, keyspace);
  }
}
