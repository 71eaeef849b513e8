import { randomBytes } from 'node:crypto';

/**
 * What a user may do over an HTTP API, in increasing order: `read` (GET, lookups), `write`
 * (also create/register/put), `admin` (also delete, config, mode). Each level includes the ones
 * before it.
 */
export type AccessLevel = 'read' | 'write' | 'admin';

export const ACCESS_LEVELS: readonly AccessLevel[] = ['read', 'write', 'admin'];

export interface UserCredential {
  username: string;
  password: string;
  access: AccessLevel;
}

/** The application roles that get a user of their own in a generated bundle. */
export const APP_ROLES = ['replay', 'aggregator', 'writer', 'sink', 'batch', 'serving', 'ksql'] as const;
export type AppRole = (typeof APP_ROLES)[number];

export const ADMIN_USER = 'admin';

/**
 * Access per generated user: the serving API only reads; the others produce (replay registers
 * Avro schemas, ksql creates streams, writers and sinks write); only `admin` deletes and configures.
 */
const APP_ACCESS: Record<AppRole, AccessLevel> = {
  replay: 'write',
  aggregator: 'write',
  writer: 'write',
  sink: 'write',
  batch: 'write',
  serving: 'read',
  ksql: 'write',
};

/** A random password: 24 bytes of the CSPRNG, base64url (32 characters, no quoting needed anywhere). */
export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** The admin user and one user per application role, each with a fresh random password. */
export function generateCredentials(): UserCredential[] {
  return [
    { username: ADMIN_USER, password: randomPassword(), access: 'admin' },
    ...APP_ROLES.map((role) => ({ username: role, password: randomPassword(), access: APP_ACCESS[role] })),
  ];
}

export function allows(granted: AccessLevel, required: AccessLevel): boolean {
  return ACCESS_LEVELS.indexOf(granted) >= ACCESS_LEVELS.indexOf(required);
}

/** Checks the shape of a credentials file's content; throws naming the first bad entry. */
export function parseCredentials(value: unknown, where: string): UserCredential[] {
  const users = (value as { users?: unknown })?.users;
  if (!Array.isArray(users)) throw new TypeError(`${where}: expected {"users": [...]}`);
  return users.map((u: Record<string, unknown>, i) => {
    const ok =
      typeof u?.username === 'string' &&
      u.username.length > 0 &&
      !u.username.includes(':') &&
      typeof u.password === 'string' &&
      ACCESS_LEVELS.includes(u.access as AccessLevel);
    if (!ok) {
      throw new TypeError(
        `${where}: users[${i}] needs a username (no ":"), a password and access read|write|admin`,
      );
    }
    return {
      username: u.username as string,
      password: u.password as string,
      access: u.access as AccessLevel,
    };
  });
}
