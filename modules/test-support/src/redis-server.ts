import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RedisTlsFiles,
  redisTlsArgs,
  redisTlsFailure,
  type UserCredential,
  writeRedisAclFile,
} from '@meterstream/security';
import { freePort } from './free-port.js';

export interface TestRedis {
  url: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

export class RedisLaunchError extends Error {
  override readonly name = 'RedisLaunchError';
  constructor(port: number, reason: string, options?: { cause?: unknown }) {
    super(`redis-server on 127.0.0.1:${port}: ${reason}`, options);
  }
}

/** Resolves once the port accepts a connection; rejects when the child exits or after 10 s. */
function waitListening(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new RedisLaunchError(port, `exited (${child.exitCode ?? child.signalCode}) before listening`));
        return;
      }
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve();
      });
      socket.on('error', (error) => {
        socket.destroy();
        // Refusals are expected until the server listens.
        if (Date.now() > deadline)
          reject(new RedisLaunchError(port, 'not listening within 10 s', { cause: error }));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * A throw-away `redis-server` (found on the PATH: Debian's package, installed by .ci/run) on a free
 * loopback port, with no persistence; `stop()` kills exactly that process. A port taken between
 * `freePort` and the bind (another test file's server) is retried on a new port. With `users`, the
 * server requires AUTH: an ACL file (default user off, see `redisAclFile`) in a private temporary
 * directory removed by `stop()`. With `tls`, the port speaks TLS only and `url` is `rediss://`.
 */
export async function startRedisServer(
  options: { users?: UserCredential[]; tls?: RedisTlsFiles } = {},
): Promise<TestRedis> {
  const aclDir = options.users ? mkdtempSync(join(tmpdir(), 'redis-acl-')) : undefined;
  const aclArgs =
    aclDir && options.users ? ['--aclfile', await writeRedisAclFile(aclDir, options.users)] : [];
  const removeAcl = () => {
    if (aclDir) rmSync(aclDir, { recursive: true, force: true });
  };
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const portArgs = options.tls ? redisTlsArgs(port, options.tls) : ['--port', String(port)];
    const child = spawn(
      'redis-server',
      [...portArgs, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...aclArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // kept (the end only) to say why it exited; never printed otherwise
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4096);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const spawnFailure = new Promise<never>((_, reject) =>
      child.once('error', (error) =>
        reject(new RedisLaunchError(port, 'could not run redis-server', { cause: error })),
      ),
    );
    try {
      await Promise.race([waitListening(port, child), spawnFailure]);
      const stop = () => stopChild(child).then(removeAcl);
      const url = `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`;
      return { url, host: '127.0.0.1', port, stop };
    } catch (error) {
      await stopChild(child);
      if (options.tls && /Bad directive/i.test(output)) {
        removeAcl();
        throw new RedisLaunchError(port, redisTlsFailure(output), { cause: error });
      }
      if (attempt >= 3 || (error as RedisLaunchError).message.includes('could not run')) {
        removeAcl();
        throw error;
      }
    }
  }
}
