import { MART_TABLES, martTableDdl } from './mart-tables.js';
import type { Client } from 'cassandra-driver';
import { DEFAULT_WINDOWS } from './buckets.js';
import { CassandraStatementError } from './errors.js';

/** The two families of aggregate tables: the speed layer's real-time views and the batch views. */
export type TableFamily = 'metrics_aggregates' | 'batch_aggregates';
export const TABLE_FAMILIES: readonly TableFamily[] = ['metrics_aggregates', 'batch_aggregates'];

export const HIGH_WATER_MARK_TABLE = 'batch_high_water_marks';
export const MIGRATIONS_TABLE = 'schema_migrations';

export interface SchemaOptions {
  /** Default `metrics`. */
  keyspace?: string;
  /** Windows (seconds) that get a table in each family. Default 60, 600, 3600, 86400. */
  windows?: readonly number[];
  /** Keyspace replication; default SimpleStrategy with replication factor 1 (the embedded server). */
  replication?: Record<string, string | number>;
}

export function aggregateTableName(family: TableFamily, windowSeconds: number): string {
  return `${family}_${windowSeconds}`;
}

function checkIdentifier(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(name))
    throw new Error(`invalid CQL identifier ${JSON.stringify(name)}`);
  return name;
}

/**
 * One schema change. Every statement is idempotent (IF NOT EXISTS), or says by `alreadyApplied`
 * which error means it was (ALTER TABLE ADD has no IF NOT EXISTS), so re-running one is harmless.
 */
export interface Migration {
  id: string;
  description: string;
  cql: string;
  alreadyApplied?: RegExp;
}

/**
 * Column names are unquoted camelCase as in the issue; CQL folds unquoted identifiers to lower case,
 * so rows come back as `windowstart`, `samplecount`, ... (see rowToAggregate).
 */
function aggregateTableDdl(keyspace: string, table: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (` +
    'gateway text, metric text, attribute text, bucket text, windowStart timestamp, windowEnd timestamp, ' +
    'min double, max double, avg double, sum double, sampleCount int, ' +
    'PRIMARY KEY ((gateway, metric, attribute, bucket), windowStart)' +
    ') WITH CLUSTERING ORDER BY (windowStart DESC)'
  );
}

/** Two processes migrating at once: the second finds the column there. */
const ALREADY_EXISTS = /already exists|conflicts with an existing column|duplicate/i;

/** The quality columns of every aggregate table (issue #21), in the order they were added. */
export const QUALITY_COLUMNS: readonly (readonly [string, string])[] = [
  ['estimated_count', 'int'],
  ['flagged_count', 'int'],
  ['incomplete', 'boolean'],
  // Set (never cleared) on the window a long gap began in, by whoever stores the aggregate of the
  // window it ended in: that window's start. Its own column so no later upsert of the row resets it.
  ['gap_closed_in', 'timestamp'],
];

/** The ordered migration list for these options. Ids are stable: they name what they create. */
export function migrations(options: SchemaOptions = {}): Migration[] {
  const keyspace = checkIdentifier(options.keyspace ?? 'metrics');
  const windows = options.windows ?? DEFAULT_WINDOWS;
  const list: Migration[] = [];
  for (const family of TABLE_FAMILIES) {
    for (const window of windows) {
      if (!Number.isInteger(window) || window <= 0) throw new Error(`invalid window ${window}`);
      const table = aggregateTableName(family, window);
      list.push({
        id: `create-table-${table}`,
        description: `${family} for ${window} s windows`,
        cql: aggregateTableDdl(keyspace, table),
      });
      // Issue #21: the aggregates of clean readings say how far to trust them. Added by ALTER on an
      // existing keyspace; rows written before read as 0 / false (rowToAggregate).
      for (const [column, type] of QUALITY_COLUMNS) {
        list.push({
          id: `alter-table-${table}-add-${column}`,
          description: `${family} for ${window} s windows: ${column}`,
          cql: `ALTER TABLE ${keyspace}.${table} ADD ${column} ${type}`,
          alreadyApplied: ALREADY_EXISTS,
        });
      }
    }
  }
  list.push({
    id: `create-table-${HIGH_WATER_MARK_TABLE}`,
    description: 'event time up to which the batch view of each window is complete',
    cql:
      `CREATE TABLE IF NOT EXISTS ${keyspace}.${HIGH_WATER_MARK_TABLE} (` +
      'windowSeconds int PRIMARY KEY, highWaterMark timestamp, updatedAt timestamp)',
  });
  list.push({
    id: `alter-table-${HIGH_WATER_MARK_TABLE}-add-lowWaterMark`,
    description: 'event time from which the batch view of each window is complete',
    cql: `ALTER TABLE ${keyspace}.${HIGH_WATER_MARK_TABLE} ADD lowWaterMark timestamp`,
    // Two processes migrating at once: the second finds the column there.
    alreadyApplied: ALREADY_EXISTS,
  });
  for (const table of Object.values(MART_TABLES)) {
    list.push({
      id: `create-table-mart_${table.name}`,
      description: `analytics mart ${table.name}`,
      cql: martTableDdl(keyspace, table),
    });
  }
  return list;
}

async function run(
  client: Client,
  cql: string,
  params: unknown[] = [],
  prepare = false,
): Promise<import('cassandra-driver').types.ResultSet> {
  try {
    return await client.execute(cql, params, { prepare });
  } catch (error) {
    throw new CassandraStatementError(cql, error, 'schema migration');
  }
}

export interface MigrationReport {
  /** Ids applied by this call (empty when the schema was already current). */
  applied: string[];
  /** Ids found already recorded. */
  alreadyApplied: string[];
}

/**
 * Brings the schema up to date: creates the keyspace and the migrations log, then applies each
 * migration not yet recorded there and records it. Safe to run at every start and from several
 * processes at once — each statement is idempotent and recording a migration twice just overwrites
 * its row.
 */
export async function applyMigrations(client: Client, options: SchemaOptions = {}): Promise<MigrationReport> {
  const keyspace = checkIdentifier(options.keyspace ?? 'metrics');
  const replication = options.replication ?? { class: 'SimpleStrategy', replication_factor: 1 };
  const replicationCql = Object.entries(replication)
    .map(([k, v]) => `'${k}': ${typeof v === 'number' ? v : `'${v}'`}`)
    .join(', ');
  await run(client, `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {${replicationCql}}`);
  await run(
    client,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${MIGRATIONS_TABLE} (id text PRIMARY KEY, description text, appliedAt timestamp)`,
  );
  const recorded = await run(client, `SELECT id FROM ${keyspace}.${MIGRATIONS_TABLE}`);
  const done = new Set(recorded.rows.map((row) => String(row.id)));
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  for (const migration of migrations({ ...options, keyspace })) {
    if (done.has(migration.id)) {
      report.alreadyApplied.push(migration.id);
      continue;
    }
    try {
      await run(client, migration.cql);
    } catch (error) {
      if (!migration.alreadyApplied?.test((error as Error).message)) throw error;
    }
    await run(
      client,
      `INSERT INTO ${keyspace}.${MIGRATIONS_TABLE} (id, description, appliedAt) VALUES (?, ?, ?)`,
      [migration.id, migration.description, new Date()],
      true,
    );
    report.applied.push(migration.id);
  }
  return report;
}
