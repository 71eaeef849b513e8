import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { type UserCredential, writeRedisAclFile } from '@meterstream/security';

export interface RunningRedis {
  url: string;
  port: number;
  pid: number;
  close(): Promise<void>;
}

/** True when a `redis-server` binary is on the PATH. */
export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

function waitForPort(host: string, port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) {
        reject(new Error(`redis-server exited with code ${child.exitCode} before listening on ${port}`));
        return;
      }
      const socket = connect(port, host, () => {
        socket.end();
        resolve();
      });
      socket.on('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          reject(new Error(`redis-server did not listen on ${host}:${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Starts Debian's `redis-server` as a child process bound to loopback. With `dir`, data is kept
 * there (append-only file); without, nothing is persisted (tests). With `users` (a security
 * bundle's) and `dir`, clients must AUTH: `<dir>/users.acl` (0600, hashed passwords, default user
 * off; see @meterstream/security's redisAclFile) is given as `--aclfile`.
 */
export async function startRedisServer(options: {
  port: number;
  dir?: string;
  host?: string;
  users?: UserCredential[];
}): Promise<RunningRedis> {
  const host = options.host ?? '127.0.0.1';
  const args = ['--port', String(options.port), '--bind', host, '--save', ''];
  if (options.dir) {
    mkdirSync(options.dir, { recursive: true });
    args.push('--dir', options.dir, '--appendonly', 'yes');
  } else {
    args.push('--appendonly', 'no');
  }
  if (options.users) {
    if (!options.dir) throw new Error('startRedisServer: users need a dir to hold the ACL file');
    args.push('--aclfile', await writeRedisAclFile(options.dir, options.users));
  }
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  await waitForPort(host, options.port, child, 10_000);
  return {
    url: `redis://${host}:${options.port}`,
    port: options.port,
    pid: child.pid!,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
