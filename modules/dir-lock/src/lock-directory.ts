import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLockedError, type LockHolder, askHolder } from './holder.js';

/**
 * How the lock is held:
 * - `abstract` (Linux default): a listening socket in Linux's abstract namespace, named after the
 *   directory's real path. The kernel releases it the moment the process dies — SIGKILL included —
 *   so there is no stale lock to detect, and no file is written into the directory.
 * - `socket-file` (default elsewhere): a Unix socket file in the temp directory; one that refuses
 *   connections was left by a dead holder and is replaced.
 */
export type LockMechanism = 'abstract' | 'socket-file';

export interface LockOptions {
  /** Who takes the lock, named in the error another process gets (e.g. `meterstream broker`). */
  owner: string;
  mechanism?: LockMechanism;
}

export interface DirectoryLock {
  /** The directory's real path. */
  readonly dir: string;
  /** Frees the directory for another process (a process's exit frees it too). */
  release(): Promise<void>;
}

/**
 * Takes an exclusive lock on a data directory (created when missing) before a server reads
 * anything from it: a second process — or a second server in the same process — fails at once with
 * a DirectoryLockedError naming the directory and the process holding it. Like Kafka's
 * `.lock` in log.dirs and Kafka Streams' state.dir lock, it guards against two processes on one
 * machine; it is not a lock across machines sharing a network file system.
 */
export async function lockDirectory(dir: string, options: LockOptions): Promise<DirectoryLock> {
  mkdirSync(dir, { recursive: true });
  const real = realpathSync(dir);
  const mechanism = options.mechanism ?? (process.platform === 'linux' ? 'abstract' : 'socket-file');
  const address = lockAddress(real, mechanism);
  const holder: LockHolder = {
    pid: process.pid,
    owner: options.owner,
    command: process.argv.slice(1).join(' '),
    since: new Date().toISOString(),
  };
  const server = createServer((socket) => {
    socket.on('error', () => {}); // a client that hangs up early is none of our business
    socket.end(JSON.stringify(holder));
  });
  try {
    await listen(server, address);
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    const current = await askHolder(address);
    if (current === 'gone' && mechanism === 'socket-file') {
      // The socket file outlived its process: replace it.
      rmSync(address, { force: true });
      await listen(server, address).catch(async (retry: unknown) => {
        if (!isAddressInUse(retry)) throw retry;
        throw new DirectoryLockedError(real, await askHolder(address).then(knownHolder));
      });
    } else {
      throw new DirectoryLockedError(real, knownHolder(current));
    }
  }
  // The lock must not keep the process alive on its own.
  server.unref();
  let released = false;
  return {
    dir: real,
    async release() {
      if (released) return;
      released = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (mechanism === 'socket-file') rmSync(address, { force: true });
    },
  };
}

function lockAddress(realDir: string, mechanism: LockMechanism): string {
  const digest = createHash('sha256').update(realDir).digest('hex');
  if (mechanism === 'abstract') return `\0meterstream-dir-lock/${digest}`;
  // Socket paths are limited to ~104 bytes, so the file lives in the temp dir under a digest.
  return join(tmpdir(), `meterstream-lock-${digest.slice(0, 32)}.sock`);
}

function listen(server: Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(address, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

function knownHolder(answer: LockHolder | 'gone' | 'silent'): LockHolder | undefined {
  return typeof answer === 'string' ? undefined : answer;
}
