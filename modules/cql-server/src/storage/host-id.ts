import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './fsync-dir.js';

export const HOST_ID_FILE = 'host-id';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class HostIdFileError extends Error {
  constructor(
    readonly file: string,
    readonly content: string,
  ) {
    super(`${file} does not hold a host id (a UUID): ${JSON.stringify(content.slice(0, 80))}`);
    this.name = 'HostIdFileError';
  }
}

/**
 * The node's `host_id` (system.local): drivers identify a node by it, so it must survive restarts.
 * Created once per data directory (temp file, fsync, rename, directory fsync: never half-written),
 * read back at every later start.
 */
export async function loadOrCreateHostId(dir: string): Promise<string> {
  const file = join(dir, HOST_ID_FILE);
  let content: string | undefined;
  try {
    content = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (content !== undefined) {
    const id = content.trim();
    if (!UUID_RE.test(id)) throw new HostIdFileError(file, content);
    return id;
  }
  await mkdir(dir, { recursive: true });
  const id = randomUUID();
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(`${id}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  await fsyncDir(dir);
  return id;
}
