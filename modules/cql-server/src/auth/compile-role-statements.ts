import type { AlterRole, CreateRole, DropRole, ListRoles } from '../cql/auth-ast.js';
import type { Compiled } from '../engine/result.js';
import { invalidRequest } from '../protocol/errors.js';
import { EMPTY_MAP, ROLE_COLUMNS, VOID, authCompiled, boolValue, textValue } from './auth-results.js';
import { type AuthState, isSuperuser, missingPermission, unauthorized } from './authorize.js';
import { hashPassword } from './password-hash.js';

type Db = { auth: AuthState | undefined };

/**
 * Role management. Cassandra lets a role with CREATE/ALTER/DROP on <all roles> manage roles; here
 * only superusers do (no role permissions), and every role may change its own password.
 */
export function compileCreateRole(db: Db, s: CreateRole): Compiled {
  return authCompiled(db, 'CREATE ROLE', async (auth, user) => {
    if (!isSuperuser(auth, user)) throw missingPermission(user, 'CREATE', '<all roles>');
    if (auth.roles.role(s.role)) {
      if (s.ifNotExists) return VOID;
      throw invalidRequest(`${s.role} already exists`);
    }
    const saltedHash = s.options.password === undefined ? undefined : await hashPassword(s.options.password);
    // Re-checked: another CREATE of the same name may have finished while the hash was computed.
    if (auth.roles.role(s.role)) {
      if (s.ifNotExists) return VOID;
      throw invalidRequest(`${s.role} already exists`);
    }
    await auth.roles.putRole({
      name: s.role,
      saltedHash,
      login: s.options.login ?? false,
      superuser: s.options.superuser ?? false,
    });
    return VOID;
  });
}

export function compileAlterRole(db: Db, s: AlterRole): Compiled {
  return authCompiled(db, 'ALTER ROLE', async (auth, user) => {
    // Cassandra's order: existence, own superuser status, others' superuser status, ALTER on the
    // role, then the options a non-superuser may not change (only PASSWORD is theirs).
    const superuser = isSuperuser(auth, user);
    if (!auth.roles.role(s.role)) throw invalidRequest(`${s.role} doesn't exist`);
    if (s.options.superuser !== undefined) {
      if (s.role === user)
        throw unauthorized(
          "You aren't allowed to alter your own superuser status or that of a role granted to you",
        );
      if (!superuser) throw unauthorized('Only superusers are allowed to alter superuser status');
    }
    if (!superuser && s.role !== user) throw missingPermission(user, 'ALTER', `<role ${s.role}>`);
    if (s.options.login !== undefined && !superuser) throw unauthorized("You aren't allowed to alter LOGIN");
    const saltedHash = s.options.password === undefined ? undefined : await hashPassword(s.options.password);
    const current = auth.roles.role(s.role);
    if (!current) throw invalidRequest(`${s.role} doesn't exist`);
    await auth.roles.putRole({
      ...current,
      saltedHash: saltedHash ?? current.saltedHash,
      login: s.options.login ?? current.login,
      superuser: s.options.superuser ?? current.superuser,
    });
    return VOID;
  });
}

export function compileDropRole(db: Db, s: DropRole): Compiled {
  return authCompiled(db, 'DROP ROLE', async (auth, user) => {
    if (s.role === user) throw invalidRequest('Cannot DROP primary role for current login');
    if (!isSuperuser(auth, user)) throw missingPermission(user, 'DROP', `<role ${s.role}>`);
    if (!auth.roles.role(s.role)) {
      if (s.ifExists) return VOID;
      throw invalidRequest(`${s.role} doesn't exist`);
    }
    await auth.roles.dropRole(s.role);
    return VOID;
  });
}

/** Superusers see every role; other roles see only themselves (they hold no granted roles here). */
export function compileListRoles(db: Db, s: ListRoles): Compiled {
  return authCompiled(
    db,
    'LIST ROLES',
    (auth, user) => {
      const superuser = isSuperuser(auth, user);
      if (s.of !== undefined && !auth.roles.role(s.of)) throw invalidRequest(`${s.of} doesn't exist`);
      if (s.of !== undefined && !superuser && s.of !== user)
        throw unauthorized(`You are not authorized to view roles granted to ${s.of}`);
      const of = s.of ?? (superuser ? undefined : user);
      const roles = auth.roles.allRoles().filter((r) => of === undefined || r.name === of);
      return {
        kind: 'rows',
        columns: ROLE_COLUMNS,
        rows: roles.map((r) => [textValue(r.name), boolValue(r.superuser), boolValue(r.login), EMPTY_MAP]),
      };
    },
    ROLE_COLUMNS,
  );
}
