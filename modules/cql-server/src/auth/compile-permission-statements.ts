import type { GrantRevoke, ListPermissions, ResourceRef } from '../cql/auth-ast.js';
import type { Compiled, Session } from '../engine/result.js';
import { invalidRequest } from '../protocol/errors.js';
import { PERMISSION_COLUMNS, VOID, authCompiled, textValue } from './auth-results.js';
import { type AuthState, isSuperuser, missingPermission, unauthorized } from './authorize.js';
import {
  type DataResource,
  applicablePermissions,
  resourceChain,
  resourceFromKey,
  resourceKey,
  resourceName,
} from './resources.js';

interface Db {
  auth: AuthState | undefined;
  keyspaces: Map<string, { tables: Map<string, unknown> }>;
}

/** A resource as written, resolved against the session keyspace and checked to exist. */
function resolve(db: Db, r: ResourceRef, session: Session): DataResource {
  if (r.kind === 'all') return r;
  if (r.kind === 'keyspace') {
    if (!db.keyspaces.has(r.keyspace)) throw invalidRequest(`${resourceName(r)} doesn't exist`);
    return r;
  }
  const keyspace = r.keyspace ?? session.keyspace;
  if (keyspace === undefined)
    throw invalidRequest(
      'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename',
    );
  const resource: DataResource = { kind: 'table', keyspace, table: r.table };
  if (!db.keyspaces.get(keyspace)?.tables.has(r.table))
    throw invalidRequest(`${resourceName(resource)} doesn't exist`);
  return resource;
}

/**
 * GRANT/REVOKE: the grantor needs to be a superuser or hold AUTHORIZE on the resource (or a
 * parent), as in Cassandra; the role and the resource must exist.
 */
export function compileGrantRevoke(db: Db, s: GrantRevoke): Compiled {
  const verb = s.type === 'grant' ? 'GRANT' : 'REVOKE';
  return authCompiled(db, verb, async (auth, user, session) => {
    const resource = resolve(db, s.resource, session);
    const applicable = applicablePermissions(resource);
    if (s.permissions !== 'ALL' && !applicable.includes(s.permissions))
      throw invalidRequest('Resource type DataResource does not support any of the requested permissions');
    if (!isSuperuser(auth, user) && !auth.roles.holds(user, resourceChain(resource), 'AUTHORIZE'))
      throw missingPermission(user, 'AUTHORIZE', resourceName(resource));
    if (!auth.roles.role(s.role)) throw invalidRequest(`${s.role} doesn't exist`);
    const permissions = s.permissions === 'ALL' ? applicable : [s.permissions];
    if (s.type === 'grant') await auth.roles.grant(s.role, resourceKey(resource), permissions);
    else await auth.roles.revoke(s.role, resourceKey(resource), permissions);
    return VOID;
  });
}

/** LIST ... PERMISSIONS [ON resource] [OF role]: a role other than a superuser sees only its own. */
export function compileListPermissions(db: Db, s: ListPermissions): Compiled {
  return authCompiled(
    db,
    'LIST PERMISSIONS',
    (auth, user, session) => {
      const superuser = isSuperuser(auth, user);
      if (s.of !== undefined && !auth.roles.role(s.of)) throw invalidRequest(`${s.of} doesn't exist`);
      if (!superuser && s.of === undefined)
        throw unauthorized("You are not authorized to view everyone's permissions");
      if (!superuser && s.of !== user)
        throw unauthorized(`You are not authorized to view ${s.of}'s permissions`);
      const resource = s.resource ? resourceKey(resolve(db, s.resource, session)) : undefined;
      const rows = auth.roles
        .listGrants(s.of, resource)
        .filter((g) => s.permissions === 'ALL' || g.permission === s.permissions)
        .map((g) => [
          textValue(g.role),
          textValue(g.role),
          textValue(resourceName(resourceFromKey(g.resource))),
          textValue(g.permission),
        ]);
      return { kind: 'rows', columns: PERMISSION_COLUMNS, rows };
    },
    PERMISSION_COLUMNS,
  );
}
