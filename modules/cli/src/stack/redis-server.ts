import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import {
  type RedisTlsFiles,
  redisTlsArgs,
  redisTlsFailure,
  type UserCredential,
  writeRedisAclFile,
} from '@meterstream/security';

export interface RunningRedis {
  /** `redis://host:port`, or `rediss://` when it serves TLS. */
  url: string;
  port: number;
  pid: number;
  close(): Promise<void>;
}

/** True when a `redis-server` binary is on the PATH. */
export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

function waitForPort(
  host: string,
  port: number,
  child: ChildProcess,
  timeoutMs: number,
  why: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // a wildcard bind is reached through loopback
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) {
        reject(
          new Error(`redis-server exited with code ${child.exitCode} before listening on ${port}: ${why()}`),
        );
        return;
      }
      const socket = connect(port, target, () => {
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
 * Starts Debian's `redis-server` as a child process bound to `host` (default loopback). With
 * `dir`, data is kept there (append-only file); without, nothing is persisted (tests). With
 * `users` (a security bundle's) and `dir`, clients must AUTH: `<dir>/users.acl` (0600, hashed
 * passwords, default user off; see @meterstream/security's redisAclFile) is given as `--aclfile`.
 * With `tls`, the port speaks TLS only (no plain-text port) and the URL is `rediss://clientHost`.
 */
export async function startRedisServer(options: {
  port: number;
  dir?: string;
  host?: string;
  /** The name clients use (in the server certificate); default `host`. */
  clientHost?: string;
  users?: UserCredential[];
  tls?: RedisTlsFiles;
}): Promise<RunningRedis> {
  const host = options.host ?? '127.0.0.1';
  const args = ['--bind', host, '--save', ''];
  args.push(...(options.tls ? redisTlsArgs(options.port, options.tls) : ['--port', String(options.port)]));
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
  // Its log is kept (the end only) to say why it exited; nothing of it is printed otherwise.
  let output = '';
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await waitForPort(host, options.port, child, 10_000, () =>
    options.tls ? redisTlsFailure(output) : output.trim().split('\n').slice(-3).join(' | '),
  );
  const scheme = options.tls ? 'rediss' : 'redis';
  return {
    url: `${scheme}://${options.clientHost ?? host}:${options.port}`,
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
