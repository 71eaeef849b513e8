import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UserCredential } from './credentials.js';

/**
 * The text of a redis-server ACL file (`--aclfile`) for these users: the passwordless `default`
 * user is turned off, so a connection must AUTH; each user's password is stored as its SHA-256
 * (`#<hex>`), so the file holds no plaintext. `read` users may run read commands only
 * (`+@read`, NOPERM otherwise); `write` and `admin` users all commands but the dangerous ones
 * (`-@dangerous`: FLUSHALL, CONFIG, DEBUG, …) for `write`. INFO (in `@dangerous`) is given back to
 * every user: ioredis' ready check sends it on connect and prints a warning when it is refused.
 */
export function redisAclFile(users: UserCredential[]): string {
  const lines = ['user default off'];
  for (const u of users) {
    if (!/^[A-Za-z0-9._-]+$/.test(u.username)) {
      throw new TypeError(`Redis ACL: user name ${JSON.stringify(u.username)} must be [A-Za-z0-9._-]+`);
    }
    const hash = createHash('sha256').update(u.password, 'utf8').digest('hex');
    const commands =
      u.access === 'admin'
        ? '+@all'
        : u.access === 'write'
          ? '+@all -@dangerous +info'
          : '-@all +@read +@connection +info';
    lines.push(`user ${u.username} on #${hash} ~* &* ${commands}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `redisAclFile(users)` as `<dir>/users.acl` (0600) and returns its path. */
export async function writeRedisAclFile(dir: string, users: UserCredential[]): Promise<string> {
  const path = join(dir, 'users.acl');
  await writeFile(path, redisAclFile(users), { mode: 0o600 });
  return path;
}
