import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously (the broker may live in this very process), feeding stdin. */
export function run(cmd: string, args: string[], input?: string, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

export const BROKER_MAIN = resolve(import.meta.dirname, '../../dist/main.js');

/**
 * Starts the built broker (dist/main.js) as a child process; resolves once it listens. With
 * `nofile`, the process runs under that RLIMIT_NOFILE (soft and hard, via prlimit, which execs it:
 * the child's pid is the broker's).
 */
export function spawnBroker(
  args: string[],
  options: { nofile?: number } = {},
): Promise<{ child: ChildProcess; port: number; schemaRegistryPort?: number }> {
  return new Promise((resolvePromise, reject) => {
    // No schema registry unless asked for: parallel test runs must never fight for port 8081.
    const registry = args.includes('--schema-registry-port') ? [] : ['--schema-registry-port', 'off'];
    const command = [process.execPath, BROKER_MAIN, ...registry, ...args];
    if (options.nofile !== undefined)
      command.unshift('prlimit', `--nofile=${options.nofile}:${options.nofile}`);
    const child = spawn(command[0], command.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{"event":"listening"')) continue;
        const ready = JSON.parse(line) as { port: number; schemaRegistryPort?: number };
        resolvePromise({ child, port: ready.port, schemaRegistryPort: ready.schemaRegistryPort });
        return;
      }
    });
    child.on('exit', (code) => reject(new Error(`broker exited (${code}) before listening: ${err}${out}`)));
  });
}
