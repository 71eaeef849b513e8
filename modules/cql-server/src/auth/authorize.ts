import { CqlError, ErrorCode } from '../protocol/errors.js';
import type { Access } from './access.js';
import {
  type Permission,
  applicablePermissions,
  resourceChain,
  resourceKey,
  resourceName,
} from './resources.js';
import type { LoginThrottle } from './login-throttle.js';
import type { RoleStore } from './role-store.js';

export const AUTHENTICATORS = ['AllowAllAuthenticator', 'PasswordAuthenticator'] as const;
export type AuthenticatorName = (typeof AUTHENTICATORS)[number];
export const AUTHORIZERS = ['AllowAllAuthorizer', 'CassandraAuthorizer'] as const;
export type AuthorizerName = (typeof AUTHORIZERS)[number];

/** Roles and the authorizer in force; present only when PasswordAuthenticator is configured. */
export interface AuthState {
  roles: RoleStore;
  authorizer: AuthorizerName;
  throttle: LoginThrottle;
}

export function unauthorized(message: string): CqlError {
  return new CqlError(ErrorCode.unauthorized, message);
}

export function isSuperuser(auth: AuthState, user: string): boolean {
  return auth.roles.role(user)?.superuser === true;
}

/** Throws Cassandra's Unauthorized error unless `user` may do `access` (superusers always may). */
export function authorize(
  auth: AuthState | undefined,
  user: string | undefined,
  access: Access | undefined,
): void {
  if (!auth || auth.authorizer === 'AllowAllAuthorizer' || !access) return;
  // Connections cannot reach a statement before logging in; this guards against a wiring mistake.
  if (user === undefined) throw unauthorized('You have not logged in');
  if (isSuperuser(auth, user)) return;
  if (auth.roles.holds(user, resourceChain(access.resource), access.permission)) return;
  throw missingPermission(user, access.permission, resourceName(access.resource));
}

export function missingPermission(user: string, p: Permission | string, resource: string): CqlError {
  return unauthorized(`User ${user} has no ${p} permission on ${resource} or any of its parents`);
}

/** Grant bookkeeping after a successful CREATE/DROP of a keyspace or table. */
export function afterSuccess(
  auth: AuthState | undefined,
  user: string | undefined,
  access: Access | undefined,
): Promise<void> | undefined {
  if (!auth || auth.authorizer === 'AllowAllAuthorizer' || !access?.after) return undefined;
  const { kind, resource } = access.after;
  if (kind === 'revokeAll') return auth.roles.revokeAllOn(resourceKey(resource));
  if (user === undefined) return undefined;
  return auth.roles.grant(user, resourceKey(resource), applicablePermissions(resource));
}
