import type { Logger } from 'pino';
import type { AuthState, AuthenticatorName, AuthorizerName } from './authorize.js';
import { DEFAULT_FAILED_LOGIN_DELAY, type FailedLoginDelay, LoginThrottle } from './login-throttle.js';
import { hashPassword } from './password-hash.js';
import { RoleStore } from './role-store.js';

export interface AuthOptions {
  /** Default AllowAllAuthenticator: no login, no permissions (today's behaviour). */
  authenticator?: AuthenticatorName;
  /** Default CassandraAuthorizer with PasswordAuthenticator, AllowAllAuthorizer otherwise. */
  authorizer?: AuthorizerName;
  /**
   * The bootstrap superuser: created (LOGIN, SUPERUSER) at start when no role of that name exists.
   * An existing role is left as it is (its password may have been changed with ALTER ROLE),
   * unless `resetPassword`: then the configuration owns that role's password (a rotation by the
   * operator, as `meterstream up --secure --rotate-passwords` does), and it is set to this one
   * with LOGIN and SUPERUSER restored.
   */
  superuser?: { username: string; password: string; resetPassword?: boolean };
  /** Delay of repeated failed logins per client address and role (see login-throttle.ts). */
  failedLoginDelay?: Partial<FailedLoginDelay>;
}

export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}

/** Loads the role store (if authentication is on) and creates the bootstrap superuser. */
export async function openAuth(
  options: AuthOptions,
  dataDir: string | undefined,
  log: Logger,
): Promise<AuthState | undefined> {
  const authenticator = options.authenticator ?? 'AllowAllAuthenticator';
  const authorizer =
    options.authorizer ??
    (authenticator === 'PasswordAuthenticator' ? 'CassandraAuthorizer' : 'AllowAllAuthorizer');
  if (authenticator === 'AllowAllAuthenticator') {
    // Cassandra refuses this combination too: without logins there is no one to grant anything to.
    if (authorizer !== 'AllowAllAuthorizer')
      throw new AuthConfigError(`AllowAllAuthenticator can't be used with ${authorizer}`);
    return undefined;
  }
  const roles = await RoleStore.open(dataDir);
  const su = options.superuser;
  const existing = su ? roles.role(su.username) : undefined;
  if (su && (!existing || su.resetPassword)) {
    if (!su.username || !su.password)
      throw new AuthConfigError('The bootstrap superuser needs a non-empty username and password');
    await roles.putRole({
      ...existing,
      name: su.username,
      saltedHash: await hashPassword(su.password),
      login: true,
      superuser: true,
    });
    log.info(
      { role: su.username },
      existing ? 'bootstrap superuser password set from the configuration' : 'bootstrap superuser created',
    );
  }
  if (!roles.allRoles().some((r) => r.superuser && r.login && r.saltedHash)) {
    // Cassandra creates cassandra/cassandra here; a well-known password is not created by us.
    throw new AuthConfigError(
      'PasswordAuthenticator needs a superuser who can log in: give one with --superuser-credentials-file or CQL_SUPERUSER_USERNAME/CQL_SUPERUSER_PASSWORD',
    );
  }
  const throttle = new LoginThrottle({ ...DEFAULT_FAILED_LOGIN_DELAY, ...options.failedLoginDelay });
  return { roles, authorizer, throttle };
}
