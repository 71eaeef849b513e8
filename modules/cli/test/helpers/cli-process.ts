import { waitFor } from '@meterstream/test-support';

export { waitFor };
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs the built `meterstream` binary (tests build first: `npm test` runs tsc -b). */
export function runCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    env: { ...process.env, METERSTREAM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    output: () => out,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** `meterstream up` on free ports, without Redis, keeping its data under `dataDir`. */
export function runUp(dataDir: string, extraArgs: string[] = []): CliProcess {
  const freePorts = ['kafka', 'schema-registry', 'cassandra', 's3', 'ksql'].flatMap((name) => [
    `--${name}-port`,
    '0',
  ]);
  return runCli(['up', ...freePorts, '--no-redis', ...extraArgs], { METERSTREAM_DATA_DIR: dataDir });
}

/** waitFor, with the tail of `proc`'s output in the timeout error: what the process logged while the test waited. */
export async function waitForProcess(proc: CliProcess, ...args: Parameters<typeof waitFor>): Promise<void> {
  try {
    await waitFor(...args);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}; output of the process (tail):\n${proc.output().slice(-6000)}`,
    );
  }
}
