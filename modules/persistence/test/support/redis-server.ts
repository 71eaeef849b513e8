import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (the OS picks it; we release it just before redis-server binds). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts a throw-away redis-server (no persistence) on a free port; `stop()` kills exactly it. */
export async function startRedisServer(): Promise<RunningRedis> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      '/usr/bin/redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const ready = await waitReady(child);
    if (ready) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: () => stopChild(child),
      };
    }
    if (attempt >= 3) throw new Error(`redis-server did not start on port ${port}`);
  }
}

function waitReady(child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(true);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
