import { type CqlType, mapOf, nativeType, setOf, listOf } from '../types/cql-type.js';
import { jsToBytes } from '../types/codec.js';
import type { Database } from './database.js';
import type { Keyspace } from './keyspace.js';
import { Table, partitionKeyString } from './table.js';

export const DATACENTER = 'datacenter1';
export const RELEASE_VERSION = '3.11.10';
export const CQL_VERSION = '3.4.4';

const text = nativeType('text');
const int = nativeType('int');
const bool = nativeType('boolean');
const dbl = nativeType('double');
const uuid = nativeType('uuid');
const inet = nativeType('inet');
const blob = nativeType('blob');
const textMap = mapOf(text, text);

type Cols = [string, CqlType][];

/** A read-only table whose rows are regenerated from `rows()` whenever the schema version changed. */
function virtualTable(
  db: Database,
  keyspace: string,
  name: string,
  cols: Cols,
  pk: string[],
  ck: string[],
  rows: () => Record<string, unknown>[],
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
    if (builtFor === db.schemaVersion) return;
    builtFor = db.schemaVersion;
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

function userKeyspaces(db: Database): Keyspace[] {
  return [...db.keyspaces.values()];
}

const TABLE_OPTION_COLS: Cols = [
  ['bloom_filter_fp_chance', dbl],
  ['caching', textMap],
  ['cdc', bool],
  ['comment', text],
  ['compaction', textMap],
  ['compression', textMap],
  ['crc_check_chance', dbl],
  ['dclocal_read_repair_chance', dbl],
  ['default_time_to_live', int],
  ['extensions', mapOf(text, blob)],
  ['flags', setOf(text)],
  ['gc_grace_seconds', int],
  ['id', uuid],
  ['max_index_interval', int],
  ['memtable_flush_period_in_ms', int],
  ['min_index_interval', int],
  ['read_repair_chance', dbl],
  ['speculative_retry', text],
];

/** Installs the `system` and `system_schema` keyspaces that cassandra-driver reads at connect. */
export function installSystemKeyspaces(db: Database, address: () => string, hostId: string): void {
  const gossipGeneration = Math.floor(Date.now() / 1000);
  const system: Keyspace = {
    name: 'system',
    replication: { class: 'org.apache.cassandra.locator.LocalStrategy' },
    durableWrites: true,
    tables: new Map(),
    system: true,
  };
  const schema: Keyspace = {
    name: 'system_schema',
    replication: { class: 'org.apache.cassandra.locator.LocalStrategy' },
    durableWrites: true,
    tables: new Map(),
    system: true,
  };
  const add = (ks: Keyspace, t: Table) => ks.tables.set(t.name, t);
  const ipv4 = () => (/^\d+\.\d+\.\d+\.\d+$/.test(address()) ? address() : '127.0.0.1');

  add(
    system,
    virtualTable(
      db,
      'system',
      'local',
      [
        ['key', text],
        ['bootstrapped', text],
        ['broadcast_address', inet],
        ['cluster_name', text],
        ['cql_version', text],
        ['data_center', text],
        ['gossip_generation', int],
        ['host_id', uuid],
        ['listen_address', inet],
        ['native_protocol_version', text],
        ['partitioner', text],
        ['rack', text],
        ['release_version', text],
        ['rpc_address', inet],
        ['schema_version', uuid],
        ['thrift_version', text],
        ['tokens', setOf(text)],
      ],
      ['key'],
      [],
      () => [
        {
          key: 'local',
          bootstrapped: 'COMPLETED',
          broadcast_address: ipv4(),
          cluster_name: 'meterstream',
          cql_version: CQL_VERSION,
          data_center: DATACENTER,
          gossip_generation: gossipGeneration,
          host_id: hostId,
          listen_address: ipv4(),
          native_protocol_version: '4',
          partitioner: 'org.apache.cassandra.dht.Murmur3Partitioner',
          rack: 'rack1',
          release_version: RELEASE_VERSION,
          rpc_address: ipv4(),
          schema_version: db.schemaVersion,
          thrift_version: '20.1.0',
          // One node owns the whole ring.
          tokens: ['-9223372036854775808'],
        },
      ],
    ),
  );
  add(
    system,
    virtualTable(
      db,
      'system',
      'peers',
      [
        ['peer', inet],
        ['data_center', text],
        ['host_id', uuid],
        ['preferred_ip', inet],
        ['rack', text],
        ['release_version', text],
        ['rpc_address', inet],
        ['schema_version', uuid],
        ['tokens', setOf(text)],
      ],
      ['peer'],
      [],
      () => [],
    ),
  );

  add(
    schema,
    virtualTable(
      db,
      'system_schema',
      'keyspaces',
      [
        ['keyspace_name', text],
        ['durable_writes', bool],
        ['replication', textMap],
      ],
      ['keyspace_name'],
      [],
      () =>
        userKeyspaces(db).map((ks) => ({
          keyspace_name: ks.name,
          durable_writes: ks.durableWrites,
          replication: ks.replication,
        })),
    ),
  );
  add(
    schema,
    virtualTable(
      db,
      'system_schema',
      'tables',
      [['keyspace_name', text], ['table_name', text], ...TABLE_OPTION_COLS],
      ['keyspace_name'],
      ['table_name'],
      () =>
        userKeyspaces(db).flatMap((ks) =>
          [...ks.tables.values()].map((t) => ({
            keyspace_name: ks.name,
            table_name: t.name,
            bloom_filter_fp_chance: 0.01,
            caching: { keys: 'ALL', rows_per_partition: 'NONE' },
            cdc: false,
            comment: t.options.comment,
            compaction: {
              class: 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy',
              max_threshold: '32',
              min_threshold: '4',
            },
            compression: {
              chunk_length_in_kb: '64',
              class: 'org.apache.cassandra.io.compress.LZ4Compressor',
            },
            crc_check_chance: 1,
            dclocal_read_repair_chance: 0.1,
            default_time_to_live: t.options.defaultTtl,
            extensions: {},
            flags: ['compound'],
            gc_grace_seconds: 864000,
            id: t.id,
            max_index_interval: 2048,
            memtable_flush_period_in_ms: 0,
            min_index_interval: 128,
            read_repair_chance: 0,
            speculative_retry: '99PERCENTILE',
          })),
        ),
    ),
  );
  add(
    schema,
    virtualTable(
      db,
      'system_schema',
      'columns',
      [
        ['keyspace_name', text],
        ['table_name', text],
        ['column_name', text],
        ['clustering_order', text],
        ['column_name_bytes', blob],
        ['kind', text],
        ['position', int],
        ['type', text],
      ],
      ['keyspace_name'],
      ['table_name', 'column_name'],
      () =>
        userKeyspaces(db).flatMap((ks) =>
          [...ks.tables.values()].flatMap((t) =>
            t.describeColumns().map((c) => ({
              keyspace_name: ks.name,
              table_name: t.name,
              column_name: c.name,
              clustering_order: c.order,
              column_name_bytes: Buffer.from(c.name),
              kind: c.kind,
              position: c.position,
              type: c.type,
            })),
          ),
        ),
    ),
  );
  const empty = (name: string, cols: Cols, pk: string[], ck: string[]) =>
    add(
      schema,
      virtualTable(db, 'system_schema', name, cols, pk, ck, () => []),
    );
  empty(
    'types',
    [
      ['keyspace_name', text],
      ['type_name', text],
      ['field_names', listOf(text)],
      ['field_types', listOf(text)],
    ],
    ['keyspace_name'],
    ['type_name'],
  );
  empty(
    'functions',
    [
      ['keyspace_name', text],
      ['function_name', text],
      ['argument_types', listOf(text)],
      ['argument_names', listOf(text)],
      ['body', text],
      ['called_on_null_input', bool],
      ['language', text],
      ['return_type', text],
    ],
    ['keyspace_name'],
    ['function_name'],
  );
  empty(
    'aggregates',
    [
      ['keyspace_name', text],
      ['aggregate_name', text],
      ['argument_types', listOf(text)],
      ['final_func', text],
      ['initcond', text],
      ['return_type', text],
      ['state_func', text],
      ['state_type', text],
    ],
    ['keyspace_name'],
    ['aggregate_name'],
  );
  empty(
    'views',
    [
      ['keyspace_name', text],
      ['view_name', text],
      ['base_table_id', uuid],
      ['base_table_name', text],
      ['include_all_columns', bool],
      ['where_clause', text],
      ...TABLE_OPTION_COLS,
    ],
    ['keyspace_name'],
    ['view_name'],
  );
  empty(
    'indexes',
    [
      ['keyspace_name', text],
      ['table_name', text],
      ['index_name', text],
      ['kind', text],
      ['options', textMap],
    ],
    ['keyspace_name'],
    ['table_name', 'index_name'],
  );
  empty(
    'triggers',
    [
      ['keyspace_name', text],
      ['table_name', text],
      ['trigger_name', text],
      ['options', textMap],
    ],
    ['keyspace_name'],
    ['table_name', 'trigger_name'],
  );
  empty(
    'dropped_columns',
    [
      ['keyspace_name', text],
      ['table_name', text],
      ['column_name', text],
      ['dropped_time', nativeType('timestamp')],
      ['type', text],
    ],
    ['keyspace_name'],
    ['table_name', 'column_name'],
  );
  db.keyspaces.set('system', system);
  db.keyspaces.set('system_schema', schema);
}
