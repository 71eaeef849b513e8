import { typeToCql } from '../types/cql-type.js';
import type { Keyspace } from './keyspace.js';
import type { Table } from './table.js';

/** Quotes an identifier when it would not survive the parser's lower-casing. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** CREATE KEYSPACE statement reproducing a keyspace (used by snapshots). */
export function keyspaceCql(ks: Keyspace): string {
  const repl = Object.entries(ks.replication)
    .map(([k, v]) => `${quoteString(k)}: ${quoteString(v)}`)
    .join(', ');
  return `CREATE KEYSPACE ${quoteIdent(ks.name)} WITH replication = {${repl}} AND durable_writes = ${ks.durableWrites}`;
}

/** CREATE TABLE statement reproducing a table's schema (used by snapshots). */
export function tableCql(t: Table): string {
  const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${typeToCql(c.type)}`);
  const pk = `(${t.partitionKey.map((c) => quoteIdent(c.name)).join(', ')})`;
  const key = [pk, ...t.clustering.map((c) => quoteIdent(c.name))].join(', ');
  let cql = `CREATE TABLE ${quoteIdent(t.keyspace)}.${quoteIdent(t.name)} (${cols.join(', ')}, PRIMARY KEY (${key}))`;
  const withs: string[] = [];
  if (t.clustering.length) {
    const order = t.clustering.map((c, i) => `${quoteIdent(c.name)} ${t.clusteringDesc[i] ? 'DESC' : 'ASC'}`);
    withs.push(`CLUSTERING ORDER BY (${order.join(', ')})`);
  }
  if (t.options.defaultTtl) withs.push(`default_time_to_live = ${t.options.defaultTtl}`);
  if (t.options.comment) withs.push(`comment = ${quoteString(t.options.comment)}`);
  if (withs.length) cql += ` WITH ${withs.join(' AND ')}`;
  return cql;
}
