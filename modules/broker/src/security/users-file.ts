/**
 * The users file (`--sasl-users-file`, `saslUsersFile`): one `user:password` per line (the first
 * colon separates; the password may contain colons), blank lines and lines starting with # are
 * skipped. At start every user listed gets SCRAM-SHA-256 and SCRAM-SHA-512 credentials for that
 * password (salted; replacing older ones), so the password only ever lives in this file, which
 * should be readable by the broker's user alone.
 */
import { readFile } from 'node:fs/promises';
import type { CredentialStore } from './credential-store.js';
import { newCredential, SCRAM_MECHANISMS } from './scram-credential.js';

export class UsersFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'UsersFileError';
  }
}

export function parseUsersFile(text: string, file: string): { user: string; password: string }[] {
  const out: { user: string; password: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0 || colon === line.length - 1) {
      throw new UsersFileError(file, i + 1, 'expected user:password');
    }
    out.push({ user: line.slice(0, colon), password: line.slice(colon + 1) });
  });
  return out;
}

export async function readUsersFile(file: string): Promise<{ user: string; password: string }[]> {
  return parseUsersFile(await readFile(file, 'utf8'), file);
}

/** Creates the credentials of every user given (one persisted change). */
export async function bootstrapUsers(
  users: readonly { user: string; password: string }[],
  store: CredentialStore,
): Promise<number> {
  const upserts = [];
  for (const { user, password } of users) {
    for (const mechanism of SCRAM_MECHANISMS) {
      upserts.push({ user, mechanism, credential: await newCredential(mechanism, password) });
    }
  }
  if (upserts.length > 0) await store.alter(upserts);
  return users.length;
}
