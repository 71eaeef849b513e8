import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RunningKsqlServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  close(): Promise<void>;
}

export interface KsqlServerProcessOptions {
  /** The `meterstream` CLI entry (dist/main.js) to run `ksql-server` with. */
  readonly cliMain: string;
  readonly port: number;
  /** METERSTREAM_* endpoints of the stack it serves (brokers, registry, data directory). */
  readonly env: Readonly<Record<string, string>>;
  /** More `ksql-server` flags (`--set name=value`, `--service-id`). */
  readonly args?: readonly string[];
  /** Where its stderr goes (logs at warn and above); default this process's stderr. */
  readonly stderr?: (chunk: string) => void;
  readonly startTimeoutMs?: number;
  /** Node flags before the entry (`--cpu-prof`: NODE_OPTIONS refuses it). */
  readonly nodeArgs?: readonly string[];
}

/**
 * Runs `meterstream ksql-server` as its own process — ksqlDB is a separate server, and a query
 * that misbehaves must not take the broker down with it — and resolves with its URL once it prints
 * its `listening` line. Its output goes to this process's stderr.
 */
export function startKsqlServerProcess(options: KsqlServerProcessOptions): Promise<RunningKsqlServer> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      options.cliMain,
      'ksql-server',
      '--port',
      String(options.port),
      ...(options.args ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', options.stderr ? 'pipe' : 'inherit'],
      env: { ...process.env, ...options.env },
    },
  );
  const stderr = options.stderr;
  if (stderr) child.stderr!.on('data', (d: Buffer) => stderr(d.toString()));
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`ksql-server did not start listening within ${timeoutMs} ms`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`ksql-server exited with code ${code} before listening (its errors are above)`));
    };
    child.once('exit', onExit);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let event: { event?: string; url?: string; port?: number } | undefined;
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        process.stderr.write(`${line}\n`); // not the listening line: pass it on
        return;
      }
      if (event?.event !== 'listening' || !event.url) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        url: event.url,
        port: event.port ?? options.port,
        pid: child.pid!,
        close: () => stopChild(child),
      });
    });
  });
}

/** SIGTERM (the server stops its queries and commits), then wait for the exit. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
