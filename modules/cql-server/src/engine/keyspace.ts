import type { Table } from './table.js';

export interface Keyspace {
  name: string;
  replication: Record<string, string>;
  durableWrites: boolean;
  tables: Map<string, Table>;
  /** system and system_schema: read-only, rebuilt from the schema. */
  system: boolean;
}

/** Number of replicas the keyspace asks for; this single node holds all of them. */
export function replicationFactor(ks: Keyspace): number {
  const r = ks.replication;
  const cls = r.class ?? '';
  if (cls.endsWith('SimpleStrategy')) return Number(r.replication_factor ?? 1);
  if (cls.endsWith('NetworkTopologyStrategy')) {
    let total = 0;
    for (const [k, v] of Object.entries(r)) if (k !== 'class') total += Number(v);
    return total;
  }
  return 1;
}
