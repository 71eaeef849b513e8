import type { Database } from '../engine/database.js';
import type { Keyspace } from '../engine/keyspace.js';
import { virtualTable } from '../engine/system-tables.js';
import { nativeType, setOf } from '../types/cql-type.js';
import type { AuthState } from './authorize.js';

const text = nativeType('text');
const bool = nativeType('boolean');

/**
 * `system_auth.roles` and `system_auth.role_permissions` as Cassandra 3.11 lays them out, generated
 * from the role store (rebuilt after every role or grant change). Read-only like the other system
 * keyspaces; readable by superusers (and roles granted SELECT on them), as in Cassandra.
 */
export function installSystemAuthKeyspace(db: Database, auth: AuthState): void {
  const version = () => String(auth.roles.version);
  const keyspace: Keyspace = {
    name: 'system_auth',
    replication: { class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '1' },
    durableWrites: true,
    tables: new Map(),
    system: true,
  };
  const roles = virtualTable(
    db,
    'system_auth',
    'roles',
    [
      ['role', text],
      ['can_login', bool],
      ['is_superuser', bool],
      ['member_of', setOf(text)],
      ['salted_hash', text],
    ],
    ['role'],
    [],
    () =>
      auth.roles.allRoles().map((r) => ({
        role: r.name,
        can_login: r.login,
        is_superuser: r.superuser,
        member_of: null,
        salted_hash: r.saltedHash ?? null,
      })),
    version,
  );
  const permissions = virtualTable(
    db,
    'system_auth',
    'role_permissions',
    [
      ['role', text],
      ['resource', text],
      ['permissions', setOf(text)],
    ],
    ['role'],
    ['resource'],
    () =>
      [...auth.roles.grantsByRole()].flatMap(([role, byResource]) =>
        [...byResource].map(([resource, perms]) => ({ role, resource, permissions: [...perms].sort() })),
      ),
    version,
  );
  keyspace.tables.set(roles.name, roles);
  keyspace.tables.set(permissions.name, permissions);
  db.keyspaces.set(keyspace.name, keyspace);
}
