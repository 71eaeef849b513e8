/**
 * The SCRAM credentials of the broker's users, in `<dataDir>/security/scram-credentials.json`
 * (directory 0700, file 0600): replaced whole on every change (write temp, fsync, rename, fsync
 * the directory), so a crash leaves the old or the new file, never a torn one. Only salted
 * credentials are stored (see scram-credential.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ScramCredential,
  type ScramMechanism,
  SCRAM_MECHANISMS,
  isScramMechanism,
} from './scram-credential.js';

interface StoredCredential {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}
interface CredentialFile {
  version: 1;
  users: Record<string, Partial<Record<ScramMechanism, StoredCredential>>>;
}

export class CredentialFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'CredentialFileError';
  }
}

export class CredentialStore {
  private readonly users = new Map<string, Map<ScramMechanism, ScramCredential>>();
  /** Serializes file rewrites: each one writes the state as it is when its turn comes. */
  private writing: Promise<void> = Promise.resolve();
  /**
   * Secret mixed into the fake salts given to unknown users, so a SCRAM exchange does not reveal
   * whether a user exists (the same name always gets the same salt during this process's life).
   */
  readonly fakeSaltSecret = randomBytes(32);

  private constructor(
    private readonly dir: string,
    private readonly file: string,
  ) {}

  static async open(dir: string): Promise<CredentialStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'scram-credentials.json');
    const store = new CredentialStore(dir, file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw err;
    }
    let parsed: CredentialFile;
    try {
      parsed = JSON.parse(text) as CredentialFile;
    } catch (err) {
      throw new CredentialFileError(file, `not valid JSON (${(err as Error).message})`);
    }
    for (const [user, mechs] of Object.entries(parsed.users ?? {})) {
      const byMech = new Map<ScramMechanism, ScramCredential>();
      for (const [m, c] of Object.entries(mechs)) {
        if (!isScramMechanism(m) || !c)
          throw new CredentialFileError(file, `user ${user}: unknown mechanism ${m}`);
        byMech.set(m, {
          salt: Buffer.from(c.salt, 'base64'),
          iterations: c.iterations,
          storedKey: Buffer.from(c.storedKey, 'base64'),
          serverKey: Buffer.from(c.serverKey, 'base64'),
        });
      }
      store.users.set(user, byMech);
    }
    return store;
  }

  get(user: string, m: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.get(m);
  }

  /** Any credential of the user (PLAIN checks the password against it). */
  any(user: string): { mechanism: ScramMechanism; credential: ScramCredential } | undefined {
    const byMech = this.users.get(user);
    if (!byMech) return undefined;
    for (const m of SCRAM_MECHANISMS) {
      const c = byMech.get(m);
      if (c) return { mechanism: m, credential: c };
    }
    return undefined;
  }

  /** Users and the mechanisms they have credentials for, in name order. */
  list(): { user: string; mechanisms: { mechanism: ScramMechanism; iterations: number }[] }[] {
    return [...this.users.keys()].sort().map((user) => ({
      user,
      mechanisms: [...this.users.get(user)!].map(([mechanism, c]) => ({
        mechanism,
        iterations: c.iterations,
      })),
    }));
  }

  /** Applies upserts and deletions together, then persists them before resolving. */
  async alter(
    upserts: readonly { user: string; mechanism: ScramMechanism; credential: ScramCredential }[],
    deletions: readonly { user: string; mechanism: ScramMechanism }[] = [],
  ): Promise<void> {
    for (const d of deletions) {
      const byMech = this.users.get(d.user);
      byMech?.delete(d.mechanism);
      if (byMech?.size === 0) this.users.delete(d.user);
    }
    for (const u of upserts) {
      let byMech = this.users.get(u.user);
      if (!byMech) {
        byMech = new Map();
        this.users.set(u.user, byMech);
      }
      byMech.set(u.mechanism, u.credential);
    }
    const turn = this.writing.then(() => this.persist());
    this.writing = turn.catch(() => undefined);
    await turn;
  }

  private async persist(): Promise<void> {
    const out: CredentialFile = { version: 1, users: {} };
    for (const [user, byMech] of this.users) {
      const entry: Partial<Record<ScramMechanism, StoredCredential>> = {};
      for (const [m, c] of byMech) {
        entry[m] = {
          salt: c.salt.toString('base64'),
          iterations: c.iterations,
          storedKey: c.storedKey.toString('base64'),
          serverKey: c.serverKey.toString('base64'),
        };
      }
      out.users[user] = entry;
    }
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(out, null, 1)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
    const dirHandle = await open(this.dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }
}
