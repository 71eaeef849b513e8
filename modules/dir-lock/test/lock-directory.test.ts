import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DirectoryLockedError, type LockMechanism, lockDirectory } from '../src/index.js';

const distIndex = resolve(import.meta.dirname, '../dist/index.js');
const root = mkdtempSync(join(tmpdir(), 'dir-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A child process that takes the lock, prints `locked`, and holds it until killed. */
async function holdInChild(dir: string, mechanism: LockMechanism): Promise<ChildProcess> {
  const script = `
    const { lockDirectory } = await import(${JSON.stringify(distIndex)});
    await lockDirectory(${JSON.stringify(dir)}, { owner: 'test holder', mechanism: ${JSON.stringify(mechanism)} });
    console.log('locked');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((ok, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) ok();
    });
    child.once('exit', (code) => fail(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    child.once('exit', () => ok());
    child.kill('SIGKILL');
  });
}

describe.each<LockMechanism>(['abstract', 'socket-file'])('lockDirectory (%s)', (mechanism) => {
  it('refuses a second lock in the same process, naming the directory and this process', async () => {
    const dir = join(root, `same-${mechanism}`);
    const lock = await lockDirectory(dir, { owner: 'first server', mechanism });
    try {
      const error = await lockDirectory(dir, { owner: 'second server', mechanism }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DirectoryLockedError);
      const locked = error as DirectoryLockedError;
      expect(locked.dir).toBe(lock.dir);
      expect(locked.holder?.pid).toBe(process.pid);
      expect(locked.holder?.owner).toBe('first server');
      expect(locked.message).toContain(lock.dir);
      expect(locked.message).toContain(`process ${process.pid}`);
    } finally {
      await lock.release();
    }
    // Released: the directory can be locked again.
    const again = await lockDirectory(dir, { owner: 'third server', mechanism });
    await again.release();
  });

  it('names another process holding the directory, and is free the moment that process is SIGKILLed', async () => {
    const dir = join(root, `child-${mechanism}`);
    const child = await holdInChild(dir, mechanism);
    const error = (await lockDirectory(dir, { owner: 'test', mechanism }).catch((e: unknown) => e)) as
      | DirectoryLockedError
      | undefined;
    expect(error).toBeInstanceOf(DirectoryLockedError);
    expect(error?.holder?.pid).toBe(child.pid);
    expect(error?.holder?.owner).toBe('test holder');
    expect(error?.message).toContain(`process ${child.pid}`);
    await killed(child);
    const lock = await lockDirectory(dir, { owner: 'test', mechanism });
    await lock.release();
  });

  it('treats a symbolic link to a locked directory as the same directory', async () => {
    const dir = join(root, `target-${mechanism}`);
    const lock = await lockDirectory(dir, { owner: 'first', mechanism });
    const link = join(root, `link-${mechanism}`);
    symlinkSync(dir, link);
    try {
      await expect(lockDirectory(link, { owner: 'second', mechanism })).rejects.toBeInstanceOf(
        DirectoryLockedError,
      );
    } finally {
      await lock.release();
    }
  });
});

describe('lockDirectory', () => {
  it('creates a missing directory and writes nothing into it', async () => {
    const dir = join(root, 'fresh', 'nested');
    const lock = await lockDirectory(dir, { owner: 'test' });
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    await lock.release();
  });
});
