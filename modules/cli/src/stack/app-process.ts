import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from '@meterstream/common';

export interface AppProcess {
  readonly pid: number;
  /**
   * Resolves when the app says it runs (a streams app: its first RUNNING state, sent over an IPC
   * channel); rejects, naming the command, if it exits first.
   */
  readonly running: Promise<void>;
  /** SIGTERM (the app commits and closes), then waits for the exit. */
  close(): Promise<void>;
}

export interface AppProcessOptions {
  /** The `meterstream` CLI entry (dist/main.js). */
  readonly cliMain: string;
  /** The command and its flags, e.g. `['quality']`. */
  readonly args: readonly string[];
  /** METERSTREAM_* environment of the stack it runs on. */
  readonly env: Readonly<Record<string, string>>;
  readonly logger: Logger;
}

/**
 * Runs a meterstream app as its own process beside the stack (`up --input clean` runs the quality
 * stage this way), its output passed through. An exit nobody asked for is logged with its code:
 * the stack stays up, but what reads the app's output would wait forever without a word.
 */
export function startAppProcess(options: AppProcessOptions): AppProcess {
  const child = spawn(process.execPath, [options.cliMain, ...options.args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  const running = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { event?: string }) => {
      if (message?.event === 'running') resolve();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`meterstream ${options.args.join(' ')} exited (${signal ?? code}) before it ran`)),
    );
  });
  // Nobody may wait for it (a close before it ran): its rejection is not an unhandled one.
  running.catch(() => {});
  let closing = false;
  child.once('exit', (code, signal) => {
    if (!closing)
      options.logger.error(
        { command: options.args.join(' '), code, signal },
        'a meterstream app started by `up` exited (its errors are above)',
      );
  });
  return {
    pid: child.pid!,
    running,
    close: () => {
      closing = true;
      return stopChild(child);
    },
  };
}

/** Runs a meterstream command to completion; rejects naming it when it fails. */
export function runCommand(options: AppProcessOptions): Promise<void> {
  const child = spawn(process.execPath, [options.cliMain, ...options.args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`meterstream ${options.args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
