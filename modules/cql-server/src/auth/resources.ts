/**
 * Data resources and permissions as Cassandra's CassandraAuthorizer names them. A resource is one
 * of `<all keyspaces>`, `<keyspace k>`, `<table k.t>`; a grant on a parent covers its children.
 */
export const PERMISSIONS = ['CREATE', 'ALTER', 'DROP', 'SELECT', 'MODIFY', 'AUTHORIZE'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export type DataResource =
  | { kind: 'all' }
  | { kind: 'keyspace'; keyspace: string }
  | { kind: 'table'; keyspace: string; table: string };

/** Cassandra's text form, used in error messages and LIST PERMISSIONS. */
export function resourceName(r: DataResource): string {
  switch (r.kind) {
    case 'all':
      return '<all keyspaces>';
    case 'keyspace':
      return `<keyspace ${r.keyspace}>`;
    case 'table':
      return `<table ${r.keyspace}.${r.table}>`;
  }
}

/** Storage key, as Cassandra's `data`, `data/k`, `data/k/t` (keyspace and table names have no `/`). */
export function resourceKey(r: DataResource): string {
  switch (r.kind) {
    case 'all':
      return 'data';
    case 'keyspace':
      return `data/${r.keyspace}`;
    case 'table':
      return `data/${r.keyspace}/${r.table}`;
  }
}

export function resourceFromKey(key: string): DataResource {
  const parts = key.split('/');
  if (parts[0] !== 'data' || parts.length > 3) throw new Error(`Unknown resource key ${key}`);
  if (parts.length === 1) return { kind: 'all' };
  if (parts.length === 2) return { kind: 'keyspace', keyspace: parts[1] };
  return { kind: 'table', keyspace: parts[1], table: parts[2] };
}

/** The resource and its parents, most specific first. */
export function resourceChain(r: DataResource): string[] {
  switch (r.kind) {
    case 'all':
      return ['data'];
    case 'keyspace':
      return [`data/${r.keyspace}`, 'data'];
    case 'table':
      return [`data/${r.keyspace}/${r.table}`, `data/${r.keyspace}`, 'data'];
  }
}

/** What can be granted on a resource (a table cannot hold CREATE: nothing is created inside it). */
export function applicablePermissions(r: DataResource): readonly Permission[] {
  return r.kind === 'table' ? PERMISSIONS.filter((p) => p !== 'CREATE') : PERMISSIONS;
}
