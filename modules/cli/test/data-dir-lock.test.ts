import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, runUp, waitForProcess } from './helpers/cli-process.js';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('one data directory, one process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-dir-lock-'));
  let up: CliProcess;

  beforeAll(async () => {
    // Raw input: the quality stage `up` starts for clean input is a client of these servers, not a
    // holder of the directory, and it keeps writing its state files after "local stack is up" —
    // which would race the comparison of the directory before and after the second process.
    up = runUp(dataDir, ['--input', 'raw']);
    await waitForProcess(up, 'the stack to be up', () => up.output().includes('local stack is up'), 60_000);
  });

  afterAll(async () => {
    up?.kill('SIGTERM');
    await up?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['cql-server', ['cql-server', '--port', '0'], 'cassandra'],
    ['broker', ['broker', '--port', '0', '--schema-registry-port', '0'], 'kafka'],
    ['broker without its registry', ['broker', '--port', '0', '--schema-registry-port', '-1'], 'kafka'],
    ['s3-server', ['s3-server', '--port', '0'], 's3'],
  ])(
    'a second %s on the live directory fails at once, naming the directory and the process holding it, and writes nothing',
    async (_name, args, subdir) => {
      const before = filesUnder(dataDir);
      const second = runCli(args, { METERSTREAM_DATA_DIR: dataDir });
      const code = await second.exited;
      expect(code).not.toBe(0);
      const output = second.output();
      expect(output).toContain(
        `data directory ${join(dataDir, subdir)} is in use by process ${up.child.pid}`,
      );
      expect(output).toContain('meterstream');
      expect(filesUnder(dataDir)).toEqual(before);
    },
  );
});
