import { type CqlType, listOf, mapOf, nativeType, setOf } from '../types/cql-type.js';
import type { Database } from './database.js';

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
const timestamp = nativeType('timestamp');
const textMap = mapOf(text, text);
const textList = listOf(text);

export type Columns = [name: string, type: CqlType][];
export type SystemRow = Record<string, unknown>;

/** What the rows of the system tables are generated from. */
export interface SystemSource {
  db: Database;
  /** The node's IPv4 address as clients see it. */
  ipv4(): string;
  hostId: string;
  /** Seconds since the epoch at start (gossip's generation number). */
  gossipGeneration: number;
}

/** One table of `system` / `system_schema`, as Cassandra 3.11 defines it (the columns the drivers read). */
export interface SystemTableDefinition {
  keyspace: 'system' | 'system_schema';
  name: string;
  columns: Columns;
  partitionKey: string[];
  clustering: string[];
  /** Regenerated when the schema version changes; absent: always empty (no UDTs, UDFs, views…). */
  rows?: (source: SystemSource) => SystemRow[];
}

const TABLE_OPTION_COLUMNS: Columns = [
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

/** Cassandra 3.11's defaults for the table options we do not implement (reported, not applied). */
const DEFAULT_TABLE_OPTIONS = {
  bloom_filter_fp_chance: 0.01,
  caching: { keys: 'ALL', rows_per_partition: 'NONE' },
  cdc: false,
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
  extensions: {},
  flags: ['compound'],
  gc_grace_seconds: 864000,
  max_index_interval: 2048,
  memtable_flush_period_in_ms: 0,
  min_index_interval: 128,
  read_repair_chance: 0,
  speculative_retry: '99PERCENTILE',
};

const userKeyspaces = (db: Database) => [...db.keyspaces.values()];

/** The `system` and `system_schema` tables cassandra-driver reads at connect and on schema changes. */
export const SYSTEM_TABLES: SystemTableDefinition[] = [
  {
    keyspace: 'system',
    name: 'local',
    columns: [
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
    partitionKey: ['key'],
    clustering: [],
    rows: ({ db, ipv4, hostId, gossipGeneration }) => [
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
  },
  {
    keyspace: 'system',
    name: 'peers',
    columns: [
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
    partitionKey: ['peer'],
    clustering: [],
  },
  {
    keyspace: 'system_schema',
    name: 'keyspaces',
    columns: [
      ['keyspace_name', text],
      ['durable_writes', bool],
      ['replication', textMap],
    ],
    partitionKey: ['keyspace_name'],
    clustering: [],
    rows: ({ db }) =>
      userKeyspaces(db).map((ks) => ({
        keyspace_name: ks.name,
        durable_writes: ks.durableWrites,
        replication: ks.replication,
      })),
  },
  {
    keyspace: 'system_schema',
    name: 'tables',
    columns: [['keyspace_name', text], ['table_name', text], ...TABLE_OPTION_COLUMNS],
    partitionKey: ['keyspace_name'],
    clustering: ['table_name'],
    rows: ({ db }) =>
      userKeyspaces(db).flatMap((ks) =>
        [...ks.tables.values()].map((t) => ({
          ...DEFAULT_TABLE_OPTIONS,
          keyspace_name: ks.name,
          table_name: t.name,
          comment: t.options.comment,
          default_time_to_live: t.options.defaultTtl,
          id: t.id,
        })),
      ),
  },
  {
    keyspace: 'system_schema',
    name: 'columns',
    columns: [
      ['keyspace_name', text],
      ['table_name', text],
      ['column_name', text],
      ['clustering_order', text],
      ['column_name_bytes', blob],
      ['kind', text],
      ['position', int],
      ['type', text],
    ],
    partitionKey: ['keyspace_name'],
    clustering: ['table_name', 'column_name'],
    rows: ({ db }) =>
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
  },
  {
    keyspace: 'system_schema',
    name: 'types',
    columns: [
      ['keyspace_name', text],
      ['type_name', text],
      ['field_names', textList],
      ['field_types', textList],
    ],
    partitionKey: ['keyspace_name'],
    clustering: ['type_name'],
  },
  {
    keyspace: 'system_schema',
    name: 'functions',
    columns: [
      ['keyspace_name', text],
      ['function_name', text],
      ['argument_types', textList],
      ['argument_names', textList],
      ['body', text],
      ['called_on_null_input', bool],
      ['language', text],
      ['return_type', text],
    ],
    partitionKey: ['keyspace_name'],
    clustering: ['function_name'],
  },
  {
    keyspace: 'system_schema',
    name: 'aggregates',
    columns: [
      ['keyspace_name', text],
      ['aggregate_name', text],
      ['argument_types', textList],
      ['final_func', text],
      ['initcond', text],
      ['return_type', text],
      ['state_func', text],
      ['state_type', text],
    ],
    partitionKey: ['keyspace_name'],
    clustering: ['aggregate_name'],
  },
  {
    keyspace: 'system_schema',
    name: 'views',
    columns: [
      ['keyspace_name', text],
      ['view_name', text],
      ['base_table_id', uuid],
      ['base_table_name', text],
      ['include_all_columns', bool],
      ['where_clause', text],
      ...TABLE_OPTION_COLUMNS,
    ],
    partitionKey: ['keyspace_name'],
    clustering: ['view_name'],
  },
  {
    keyspace: 'system_schema',
    name: 'indexes',
    columns: [
      ['keyspace_name', text],
      ['table_name', text],
      ['index_name', text],
      ['kind', text],
      ['options', textMap],
    ],
    partitionKey: ['keyspace_name'],
    clustering: ['table_name', 'index_name'],
  },
  {
    keyspace: 'system_schema',
    name: 'triggers',
    columns: [
      ['keyspace_name', text],
      ['table_name', text],
      ['trigger_name', text],
      ['options', textMap],
    ],
    partitionKey: ['keyspace_name'],
    clustering: ['table_name', 'trigger_name'],
  },
  {
    keyspace: 'system_schema',
    name: 'dropped_columns',
    columns: [
      ['keyspace_name', text],
      ['table_name', text],
      ['column_name', text],
      ['dropped_time', timestamp],
      ['type', text],
    ],
    partitionKey: ['keyspace_name'],
    clustering: ['table_name', 'column_name'],
  },
];
