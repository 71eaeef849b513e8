import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, writeFile } from 'node:fs/promises';

/** fsync of a directory, so a rename or unlink inside it survives a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function nonce(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

/** Writes a small file atomically: a temporary file beside it, fsync, rename over the target. */
export async function writeFileAtomic(path: string, data: string, tempPath: string): Promise<void> {
  await writeFile(tempPath, data, { flush: true });
  await rename(tempPath, path);
}

export async function syncAndClose(handle: FileHandle): Promise<void> {
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
