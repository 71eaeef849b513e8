/**
 * The analytics marts' Cassandra tables (the marts are computed from the lake by
 * @meterstream/datalake's `meterstream marts`). Each table is described once — its columns with a
 * kind, its partition key and clustering columns — and both the DDL and the DAO's statements are
 * derived from that. Column names are the marts' camelCase names unquoted (CQL folds them to lower
 * case), as for the aggregate tables.
 */
export type MartColumnKind = 'text' | 'double' | 'int' | 'timestamp' | 'date';

export interface MartTable {
  /** The mart's name: table `mart_<name>`. */
  name: string;
  columns: readonly { name: string; kind: MartColumnKind }[];
  partitionKey: readonly string[];
  clustering: readonly string[];
}

export const MART_TABLES = {
  consumption_interval: {
    name: 'consumption_interval',
    columns: [
      { name: 'gateway', kind: 'text' },
      { name: 'metricType', kind: 'text' },
      { name: 'metricAttribute', kind: 'text' },
      { name: 'date', kind: 'date' },
      { name: 'intervalStart', kind: 'timestamp' },
      { name: 'intervalEnd', kind: 'timestamp' },
      { name: 'startValue', kind: 'double' },
      { name: 'endValue', kind: 'double' },
      { name: 'consumption', kind: 'double' },
      { name: 'flag', kind: 'text' },
    ],
    partitionKey: ['gateway', 'metricType', 'metricAttribute', 'date'],
    clustering: ['intervalEnd'],
  },
  billing_daily: {
    name: 'billing_daily',
    columns: [
      { name: 'customer', kind: 'text' },
      { name: 'date', kind: 'date' },
      { name: 'metricType', kind: 'text' },
      { name: 'meters', kind: 'int' },
      { name: 'intervals', kind: 'int' },
      { name: 'gapIntervals', kind: 'int' },
      { name: 'consumption', kind: 'double' },
      { name: 'cost', kind: 'double' },
      { name: 'unpricedConsumption', kind: 'double' },
      { name: 'currency', kind: 'text' },
    ],
    partitionKey: ['customer'],
    clustering: ['date', 'metricType'],
  },
  grid_load_hourly: {
    name: 'grid_load_hourly',
    columns: [
      { name: 'zone', kind: 'text' },
      { name: 'date', kind: 'date' },
      { name: 'hour', kind: 'timestamp' },
      { name: 'totalLoadKw', kind: 'double' },
      { name: 'peakLoadKw', kind: 'double' },
      { name: 'meters', kind: 'int' },
    ],
    partitionKey: ['zone', 'date'],
    clustering: ['hour'],
  },
} as const satisfies Record<string, MartTable>;

export type MartName = keyof typeof MART_TABLES;
export const MART_NAMES = Object.keys(MART_TABLES) as MartName[];

export function martTableName(mart: MartName): string {
  return `mart_${mart}`;
}

export function martTableDdl(keyspace: string, table: MartTable): string {
  const columns = table.columns.map((c) => `${c.name} ${c.kind}`).join(', ');
  const key = `(${table.partitionKey.join(', ')})${table.clustering.map((c) => `, ${c}`).join('')}`;
  return `CREATE TABLE IF NOT EXISTS ${keyspace}.mart_${table.name} (${columns}, PRIMARY KEY (${key}))`;
}
