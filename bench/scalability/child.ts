/** Child processes of the benchmark: started, awaited until they print a JSON event, stopped. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

export interface Started {
  readonly child: ChildProcess;
  /** The JSON lines the process printed so far. */
  readonly events: Record<string, unknown>[];
  /** The last 4,000 characters of its stderr (why it died, when it dies after being ready). */
  stderrTail(): string;
}

/**
 * Spawns `node <args>` and resolves when it prints a JSON line with `event === ready` (or one the
 * predicate accepts); rejects if it exits first (with its stderr tail, which says why).
 */
export function startNode(
  args: string[],
  ready: string | ((line: Record<string, unknown>) => boolean),
  env: NodeJS.ProcessEnv = {},
): Promise<Started> {
  const isReady = typeof ready === 'string' ? (line: Record<string, unknown>) => line.event === ready : ready;
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', METERSTREAM_LOG_LEVEL: 'warn', ...env },
  });
  const events: Record<string, unknown>[] = [];
  let stderrTail = '';
  return new Promise((res, rej) => {
    // Lines from either stream count: events on stdout, pino logs on stderr.
    const readLines = (stream: NodeJS.ReadableStream, keepTail: boolean) => {
      let buffered = '';
      stream.on('data', (d: Buffer) => {
        if (keepTail) stderrTail = (stderrTail + d.toString()).slice(-4000);
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          if (line.trim() === '') continue;
          // Plain text lines (e.g. "CQL server listening on …") are kept as { line }.
          const event = line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : { line };
          events.push(event);
          if (isReady(event)) res({ child, events, stderrTail: () => stderrTail });
        }
      });
    };
    readLines(child.stdout!, false);
    readLines(child.stderr!, true);
    child.once('exit', (code, signal) =>
      rej(new Error(`${args.join(' ')} exited (${code ?? signal}) before it was ready:\n${stderrTail}`)),
    );
  });
}

/**
 * BENCH_WORKLOAD_NODE_ARGS adds node options to the workload processes (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof`, which NODE_OPTIONS does not allow).
 */
export function workloadNodeArgs(): string[] {
  return splitArgs(process.env.BENCH_WORKLOAD_NODE_ARGS);
}

/** BENCH_GENERATOR_NODE_ARGS: the same for the load generator. */
export function generatorNodeArgs(): string[] {
  return splitArgs(process.env.BENCH_GENERATOR_NODE_ARGS);
}

/** BENCH_CQL_NODE_ARGS: the same for the embedded CQL server (uc1). */
export function cqlNodeArgs(): string[] {
  return splitArgs(process.env.BENCH_CQL_NODE_ARGS);
}

function splitArgs(value: string | undefined): string[] {
  return (value ?? '').split(' ').filter((a) => a.length > 0);
}

/** SIGTERM and wait for the exit. */
export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });
}

/** A redis-server of the benchmark's own on a free port, without persistence. */
export async function startRedis(dir: string): Promise<{ child: ChildProcess; url: string }> {
  mkdirSync(dir, { recursive: true });
  const port = await new Promise<number>((res) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => res(port));
    });
  });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Ready to accept connections')) res();
    });
    child.once('exit', (code) => rej(new Error(`redis-server exited (${code}) before it was ready`)));
  });
  return { child, url: `redis://127.0.0.1:${port}` };
}
