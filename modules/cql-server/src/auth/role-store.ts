import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../storage/fsync-dir.js';
import type { Permission } from './resources.js';

export interface Role {
  name: string;
  /** Salted hash (see password-hash.ts); absent: the role cannot log in with a password. */
  saltedHash?: string;
  login: boolean;
  superuser: boolean;
}

interface StoredAuth {
  version: 1;
  roles: Role[];
  /** role → resource key → granted permissions. */
  permissions: Record<string, Record<string, Permission[]>>;
}

export class RoleStoreError extends Error {
  constructor(file: string, reason: string) {
    super(`Role store ${file}: ${reason}`);
    this.name = 'RoleStoreError';
  }
}

/**
 * Roles and their grants (Cassandra's system_auth.roles and role_permissions). Kept in memory;
 * with a data directory every change is written to `<dataDir>/auth/roles.json` (owner-only: the
 * directory 0700, the file 0600; temp file, fsync, rename) before the statement is answered.
 */
export class RoleStore {
  private readonly roles = new Map<string, Role>();
  private readonly grants = new Map<string, Map<string, Set<Permission>>>();
  private saving: Promise<void> = Promise.resolve();
  /** Bumped by every change, so the system_auth tables know when to rebuild. */
  version = 0;

  private constructor(private readonly file: string | undefined) {}

  static async open(dataDir: string | undefined): Promise<RoleStore> {
    if (!dataDir) return new RoleStore(undefined);
    const dir = join(dataDir, 'auth');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const file = join(dir, 'roles.json');
    const store = new RoleStore(file);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      await chmod(file, 0o600);
      let stored: StoredAuth;
      try {
        stored = JSON.parse(text) as StoredAuth;
      } catch (err) {
        throw new RoleStoreError(file, `not valid JSON (${(err as Error).message})`);
      }
      if (stored.version !== 1 || !Array.isArray(stored.roles))
        throw new RoleStoreError(file, 'unknown format (expected version 1)');
      for (const r of stored.roles) store.roles.set(r.name, r);
      for (const [role, byResource] of Object.entries(stored.permissions ?? {})) {
        for (const [resource, perms] of Object.entries(byResource))
          for (const p of perms) store.addGrant(role, resource, p);
      }
    }
    return store;
  }

  get size(): number {
    return this.roles.size;
  }

  role(name: string): Role | undefined {
    return this.roles.get(name);
  }

  allRoles(): Role[] {
    return [...this.roles.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  putRole(role: Role): Promise<void> {
    this.roles.set(role.name, role);
    return this.save();
  }

  /** Drops the role and every grant it held. */
  dropRole(name: string): Promise<void> {
    this.roles.delete(name);
    this.grants.delete(name);
    return this.save();
  }

  private addGrant(role: string, resource: string, p: Permission): void {
    const byResource = this.grants.get(role) ?? new Map<string, Set<Permission>>();
    this.grants.set(role, byResource);
    const perms = byResource.get(resource) ?? new Set<Permission>();
    byResource.set(resource, perms);
    perms.add(p);
  }

  grant(role: string, resource: string, permissions: readonly Permission[]): Promise<void> {
    for (const p of permissions) this.addGrant(role, resource, p);
    return this.save();
  }

  revoke(role: string, resource: string, permissions: readonly Permission[]): Promise<void> {
    const perms = this.grants.get(role)?.get(resource);
    if (perms) {
      for (const p of permissions) perms.delete(p);
      if (perms.size === 0) this.grants.get(role)?.delete(resource);
    }
    return this.save();
  }

  /** Removes every grant on a dropped keyspace or table (and, for a keyspace, on its tables). */
  revokeAllOn(resource: string): Promise<void> {
    for (const byResource of this.grants.values()) {
      for (const key of [...byResource.keys()])
        if (key === resource || key.startsWith(`${resource}/`)) byResource.delete(key);
    }
    return this.save();
  }

  /** True if the role holds `p` on the resource or one of its parents. */
  holds(role: string, chain: readonly string[], p: Permission): boolean {
    const byResource = this.grants.get(role);
    if (!byResource) return false;
    return chain.some((key) => byResource.get(key)?.has(p) === true);
  }

  /** Grants as (role, resource key, permission), sorted, optionally of one role / one resource chain. */
  /** Every grant, grouped: role → resource key → permissions. */
  grantsByRole(): Map<string, Map<string, Set<Permission>>> {
    return this.grants;
  }

  listGrants(of?: string, resource?: string): { role: string; resource: string; permission: Permission }[] {
    const out: { role: string; resource: string; permission: Permission }[] = [];
    const chain = resource ? resourceChainFromKey(resource) : undefined;
    for (const [role, byResource] of this.grants) {
      if (of !== undefined && role !== of) continue;
      for (const [key, perms] of byResource) {
        if (chain && !chain.includes(key)) continue;
        for (const permission of perms) out.push({ role, resource: key, permission });
      }
    }
    return out.sort(
      (a, b) =>
        a.role.localeCompare(b.role) ||
        a.resource.localeCompare(b.resource) ||
        a.permission.localeCompare(b.permission),
    );
  }

  /** Serialized saves, each of the whole (small) state; resolves once this change is on disk. */
  private save(): Promise<void> {
    this.version++;
    const file = this.file;
    if (!file) return Promise.resolve();
    const snapshot: StoredAuth = {
      version: 1,
      roles: this.allRoles(),
      permissions: Object.fromEntries(
        [...this.grants].map(([role, byResource]) => [
          role,
          Object.fromEntries([...byResource].map(([k, perms]) => [k, [...perms].sort()])),
        ]),
      ),
    };
    const text = `${JSON.stringify(snapshot, null, 2)}\n`;
    // A failed earlier save was reported to its own statement; this one writes the whole state again.
    this.saving = this.saving.catch(() => undefined).then(() => writeOwnerOnly(file, text));
    return this.saving;
  }
}

function resourceChainFromKey(key: string): string[] {
  const parts = key.split('/');
  const chain: string[] = [];
  for (let i = parts.length; i >= 1; i--) chain.push(parts.slice(0, i).join('/'));
  return chain;
}

async function writeOwnerOnly(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  await fsyncDir(join(file, '..'));
}
