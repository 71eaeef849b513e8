import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const run = promisify(execFile);

describe('meterstream-s3-server (the module binary)', () => {
  it('--help prints the usage and exits 0', async () => {
    const { stdout } = await run(process.execPath, [MAIN, '--help']);
    expect(stdout).toMatch(/^usage: meterstream-s3-server \[--host 127\.0\.0\.1\] \[--port 9000\]/);
  });

  it('an unknown flag is one line naming it, then the usage, exit 1 — no stack trace', async () => {
    const failure = await run(process.execPath, [MAIN, '--nope']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/^meterstream-s3-server: Unknown option '--nope'\nusage: /);
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  });
});
