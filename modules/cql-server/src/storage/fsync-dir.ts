import { open } from 'node:fs/promises';

/** Makes file creations/renames in `dir` durable (power loss), not only the files' contents. */
export async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
