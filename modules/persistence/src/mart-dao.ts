import { type Client, types } from 'cassandra-driver';
import { executeBounded } from './concurrent.js';
import { CassandraStatementError } from './errors.js';
import {
  MART_TABLES,
  type MartColumnKind,
  type MartName,
  type MartTable,
  martTableName,
} from './mart-tables.js';

/**
 * A mart row as the marts compute it: timestamps as epoch ms, dates as `yyyy-mm-dd`, numbers and
 * strings as they are, null for a missing value.
 */
export type MartRow = Record<string, string | number | null>;

/** Rows of the mart tables (mart-tables.ts): upserts, deletes by primary key, reads by partition. */
export class MartDao {
  private readonly keyspace: string;

  constructor(
    private readonly client: Client,
    options: { keyspace?: string } = {},
  ) {
    this.keyspace = options.keyspace ?? 'metrics';
  }

  private table(mart: MartName): { spec: MartTable; name: string } {
    return { spec: MART_TABLES[mart], name: `${this.keyspace}.${martTableName(mart)}` };
  }

  private async run(cql: string, params: unknown[]): Promise<types.ResultSet> {
    try {
      return await this.client.execute(cql, params, { prepare: true, isIdempotent: true });
    } catch (error) {
      throw new CassandraStatementError(cql, error);
    }
  }

  async upsert(mart: MartName, rows: readonly MartRow[]): Promise<void> {
    const { spec, name } = this.table(mart);
    const columns = spec.columns.map((c) => c.name);
    const cql = `INSERT INTO ${name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    const params = rows.map((row) => spec.columns.map((c) => toCql(c.kind, row[c.name] ?? null)));
    await executeBounded(this.client, cql, params, 32);
  }

  /** Deletes the rows with these primary keys (the other columns of `keys` are ignored). */
  async delete(mart: MartName, keys: readonly MartRow[]): Promise<void> {
    const { spec, name } = this.table(mart);
    const key = [...spec.partitionKey, ...spec.clustering];
    const kinds = new Map(spec.columns.map((c) => [c.name, c.kind]));
    const cql = `DELETE FROM ${name} WHERE ${key.map((k) => `${k} = ?`).join(' AND ')}`;
    const params = keys.map((row) => key.map((k) => toCql(kinds.get(k)!, row[k] ?? null)));
    await executeBounded(this.client, cql, params, 32);
  }

  /**
   * The rows of one partition (every partition-key column given), optionally restricted to a range
   * of the first clustering column: [from, to) (epoch ms for timestamps, `yyyy-mm-dd` for dates).
   */
  async read(
    mart: MartName,
    partition: MartRow,
    range?: { from: string | number; to: string | number },
  ): Promise<MartRow[]> {
    const { spec, name } = this.table(mart);
    const kinds = new Map(spec.columns.map((c) => [c.name, c.kind]));
    const conditions = spec.partitionKey.map((k) => `${k} = ?`);
    const params = spec.partitionKey.map((k) => toCql(kinds.get(k)!, partition[k] ?? null));
    const first = spec.clustering[0];
    if (range && first) {
      conditions.push(`${first} >= ?`, `${first} < ?`);
      params.push(toCql(kinds.get(first)!, range.from), toCql(kinds.get(first)!, range.to));
    }
    const columns = spec.columns.map((c) => c.name);
    const result = await this.run(
      `SELECT ${columns.join(', ')} FROM ${name} WHERE ${conditions.join(' AND ')}`,
      params,
    );
    return result.rows.map((row) =>
      Object.fromEntries(spec.columns.map((c) => [c.name, fromCql(c.kind, row[c.name.toLowerCase()])])),
    );
  }
}

function toCql(kind: MartColumnKind, value: string | number | null): unknown {
  if (value === null) return null;
  switch (kind) {
    case 'timestamp':
      return new Date(Number(value));
    case 'date':
      return types.LocalDate.fromString(String(value));
    case 'int':
    case 'double':
      return Number(value);
    case 'text':
      return String(value);
  }
}

function fromCql(kind: MartColumnKind, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'timestamp':
      return (value as Date).getTime();
    case 'date':
      return String(value);
    case 'int':
    case 'double':
      return Number(value);
    case 'text':
      return String(value);
  }
}
