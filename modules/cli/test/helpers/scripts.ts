import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));

/** Runs `scripts/<name>` with bash from the project root; resolves with its exit code and output. */
export function runScript(
  name: string,
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<{ code: number | string; output: string }> {
  return new Promise((done) => {
    const child = spawn('bash', [join(ROOT, 'scripts', name), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const append = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.once('exit', (code, signal) => done({ code: code ?? signal ?? -1, output }));
  });
}

/** True while a process with this pid exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}
