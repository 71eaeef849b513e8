import { randomBytes } from 'node:crypto';
import { open, rename, writeFile } from 'node:fs/promises';

/**
 * Whether writes are fsynced (files before their rename, directories after it). Without fsync the
 * renames still make every write atomic, so objects survive a crash of the server, but not a power
 * loss: the `write` mode is for tests and throwaway stacks.
 */
export class Durability {
  constructor(readonly fsync: boolean) {}

  /** fsync of a directory, so a rename or unlink inside it survives a power loss. */
  async syncDir(dir: string): Promise<void> {
    if (!this.fsync) return;
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Writes a small file atomically: a temporary file, (fsync,) rename over the target. */
  async writeFileAtomic(path: string, data: string, tempPath: string): Promise<void> {
    await writeFile(tempPath, data, { flush: this.fsync });
    await rename(tempPath, path);
  }
}

export function nonce(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}
