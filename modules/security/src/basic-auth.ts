import { createHash, timingSafeEqual } from 'node:crypto';
import { type AccessLevel, allows, type UserCredential } from './credentials.js';

/** What `authorize` decides about one request. */
export type AuthDecision =
  | { ok: true; username: string; access: AccessLevel }
  /** 401: no credentials, malformed header, unknown user or wrong password (not told apart). */
  | { ok: false; status: 401; reason: 'missing' | 'malformed' | 'invalid' }
  /** 403: a known user whose access level is below what the request needs. */
  | { ok: false; status: 403; reason: 'forbidden'; username: string };

/**
 * Checks HTTP Basic credentials against a fixed user list. Passwords are compared as SHA-256
 * digests with `timingSafeEqual`, and an unknown user is compared against a dummy digest, so the
 * time taken tells neither a password's prefix nor whether a user exists.
 */
export class BasicAuthenticator {
  private readonly users = new Map<string, { digest: Buffer; access: AccessLevel }>();
  private readonly dummy = digest('\0no such user\0');

  constructor(
    users: UserCredential[],
    /** Sent in `WWW-Authenticate: Basic realm="…"`. */
    readonly realm = 'meterstream',
  ) {
    for (const u of users) this.users.set(u.username, { digest: digest(u.password), access: u.access });
  }

  /** The `WWW-Authenticate` header value for a 401. */
  get challenge(): string {
    return `Basic realm="${this.realm.replace(/["\\]/g, '')}", charset="UTF-8"`;
  }

  authorize(authorization: string | string[] | undefined, required: AccessLevel): AuthDecision {
    if (authorization === undefined) return { ok: false, status: 401, reason: 'missing' };
    const header = Array.isArray(authorization) ? authorization[0] : authorization;
    const match = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!match) return { ok: false, status: 401, reason: 'malformed' };
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { ok: false, status: 401, reason: 'malformed' };
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const given = digest(password);
    const user = this.users.get(username);
    const equal = timingSafeEqual(given, user?.digest ?? this.dummy);
    if (!user || !equal) return { ok: false, status: 401, reason: 'invalid' };
    if (!allows(user.access, required)) return { ok: false, status: 403, reason: 'forbidden', username };
    return { ok: true, username, access: user.access };
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** An `Authorization` header value for a client. */
export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
