import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QTT_FIXTURES as FIXTURES } from '@meterstream/test-support/ksql';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli-process.js';

/** The built `meterstream ksql-test` on the embedded KSQL engine, as a user runs it. */
describe('meterstream ksql-test (built CLI, KSQL engine)', () => {
  it('runs a fixture directory and exits 0 with only unsupported tests left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksql-test-'));
    const run = runCli(['ksql-test', join(FIXTURES, 'passing'), '--summary-file', join(dir, 's.json')]);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toContain(
      'meter-streams.json: 6 passed, 0 failed, 1 unsupported, 0 crashed, 1 disabled',
    );
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).totals).toEqual({
      passed: 6,
      failed: 0,
      unsupported: 1,
      crashed: 0,
    });
  });

  it('exits 1 on a failing test and prints the difference', async () => {
    const run = runCli(['ksql-test', join(FIXTURES, 'failing')]);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('Topic \'COPIED\', message 1: Expected <"gw-2", {"WATTS":61}>');
  });

  it('runs the trio: passed, then failed with exit 1', async () => {
    const base = join(FIXTURES, 'standalone');
    const ok = runCli([
      'ksql-test',
      '-s',
      join(base, 'statements.sql'),
      '-i',
      join(base, 'input.json'),
      '-o',
      join(base, 'output.json'),
    ]);
    expect(await ok.exited).toBe(0);
    expect(ok.output()).toBe('\t >>> Test passed!\n');
    const bad = runCli([
      'ksql-test',
      '-s',
      join(base, 'statements.sql'),
      '-i',
      join(base, 'input.json'),
      '-o',
      join(base, 'output-wrong.json'),
    ]);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/^\t>>>>> Test failed: Topic 'HIGH', message 1: /);
  });
});
