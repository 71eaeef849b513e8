import type { Statement } from '../cql/ast.js';
import type { DataResource, Permission } from './resources.js';

/** What running a statement requires, and what a successful run changes in the grants. */
export interface Access {
  permission: Permission;
  resource: DataResource;
  /**
   * grantCreator: the creator of a keyspace/table gets every permission on it (Cassandra's
   * grantPermissionsToCreator); revokeAll: the grants on a dropped keyspace/table go with it.
   */
  after?: { kind: 'grantCreator' | 'revokeAll'; resource: DataResource };
}

/** The keyspaces everyone may read (drivers read their schema and topology from them). */
const READABLE_BY_ALL = new Set(['system', 'system_schema']);

/**
 * CassandraAuthorizer's rule per statement kind: SELECT to read, MODIFY for INSERT/UPDATE/DELETE/
 * TRUNCATE, CREATE on the parent to create, ALTER/DROP on the object itself.
 */
export function requiredAccess(s: Statement, sessionKeyspace: string | undefined): Access | undefined {
  switch (s.type) {
    case 'select': {
      const keyspace = s.table.keyspace ?? sessionKeyspace ?? '';
      if (READABLE_BY_ALL.has(keyspace)) return undefined;
      return { permission: 'SELECT', resource: { kind: 'table', keyspace, table: s.table.name } };
    }
    case 'insert':
    case 'update':
    case 'delete':
    case 'truncate':
      return {
        permission: 'MODIFY',
        resource: { kind: 'table', keyspace: s.table.keyspace ?? sessionKeyspace ?? '', table: s.table.name },
      };
    case 'createKeyspace':
      return {
        permission: 'CREATE',
        resource: { kind: 'all' },
        after: { kind: 'grantCreator', resource: { kind: 'keyspace', keyspace: s.name } },
      };
    case 'dropKeyspace': {
      const resource: DataResource = { kind: 'keyspace', keyspace: s.name };
      return { permission: 'DROP', resource, after: { kind: 'revokeAll', resource } };
    }
    case 'createTable': {
      const keyspace = s.table.keyspace ?? sessionKeyspace ?? '';
      return {
        permission: 'CREATE',
        resource: { kind: 'keyspace', keyspace },
        after: { kind: 'grantCreator', resource: { kind: 'table', keyspace, table: s.table.name } },
      };
    }
    case 'dropTable': {
      const resource: DataResource = {
        kind: 'table',
        keyspace: s.table.keyspace ?? sessionKeyspace ?? '',
        table: s.table.name,
      };
      return { permission: 'DROP', resource, after: { kind: 'revokeAll', resource } };
    }
    case 'alterTable':
      return {
        permission: 'ALTER',
        resource: { kind: 'table', keyspace: s.table.keyspace ?? sessionKeyspace ?? '', table: s.table.name },
      };
    case 'use':
      return undefined;
  }
}
