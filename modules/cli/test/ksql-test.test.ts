import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeKsqlBackend, QTT_FIXTURES as FIXTURES } from '@meterstream/test-support/ksql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandModule } from 'yargs';
import { buildCli } from '../src/cli.js';
import { makeKsqlTestCommand } from '../src/commands/ksql-test.js';
import { runCli } from './helpers/cli-process.js';

/**
 * `meterstream ksql-test` as a user runs it, on the stand-in engine of the runner's tests (the
 * command takes its backend as a parameter): arguments, report, JSON summary, exit status, the
 * standalone trio. The runner itself is tested in modules/ksql/test/qtt.
 */
async function meterstream(...args: string[]): Promise<{ out: string; exitCode: number | undefined }> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await buildCli(args, [makeKsqlTestCommand(async () => fakeKsqlBackend) as CommandModule]).parseAsync();
    return { out, exitCode: process.exitCode };
  } finally {
    write.mockRestore();
    process.exitCode = before;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('meterstream ksql-test', () => {
  it('runs a fixture directory: report per file, totals, exit 0 with unsupported tests allowed', async () => {
    const { out, exitCode } = await meterstream('ksql-test', join(FIXTURES, 'passing'));
    expect(out).toBe(
      [
        'meter-streams.json: 6 passed, 0 failed, 1 unsupported, 0 crashed, 1 disabled',
        '  UNSUPPORTED meter-streams - avro readings with schema references: schema references in test topics',
        'Total: 6 passed, 0 failed, 1 unsupported, 0 crashed (1 files)',
        '',
      ].join('\n'),
    );
    expect(exitCode).toBe(0);
  });

  it('--strict fails on unsupported tests; a failing test exits 1 and shows the difference', async () => {
    expect((await meterstream('ksql-test', join(FIXTURES, 'passing'), '--strict')).exitCode).toBe(1);
    const { out, exitCode } = await meterstream('ksql-test', join(FIXTURES, 'failing'));
    expect(exitCode).toBe(1);
    expect(out).toContain('Topic \'COPIED\', message 1: Expected <"gw-2", {"WATTS":61}>');
  });

  it('--filter, --verbose, --json and --summary-file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksql-test-'));
    const summaryFile = join(dir, 'summary.json');
    const verbose = await meterstream(
      'ksql-test',
      join(FIXTURES, 'passing'),
      '--filter',
      'chained',
      '--verbose',
      '--summary-file',
      summaryFile,
    );
    expect(verbose.out.split('\n')[0]).toBe(
      'PASSED      meter-streams - chained queries: a copy, then a filter on the copy',
    );
    expect(verbose.out).toContain('Total: 1 passed, 0 failed, 0 unsupported, 0 crashed (1 files)');
    const written = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(written.totals).toEqual({ passed: 1, failed: 0, unsupported: 0, crashed: 0 });
    const json = await meterstream('ksql-test', join(FIXTURES, 'failing'), '--json');
    const parsed = JSON.parse(json.out);
    expect(parsed.files[0].tests[0]).toMatchObject({
      status: 'failed',
      name: 'wrong-watts - copy readings, expecting the wrong wattage',
    });
    expect(parsed.reasons[0]).toMatchObject({ status: 'failed', count: 1 });
  });

  it('runs the standalone trio with ksqlDB-like output', async () => {
    const base = join(FIXTURES, 'standalone');
    const pass = await meterstream(
      'ksql-test',
      '-s',
      join(base, 'statements.sql'),
      '-i',
      join(base, 'input.json'),
      '-o',
      join(base, 'output.json'),
    );
    expect(pass).toEqual({ out: '\t >>> Test passed!\n', exitCode: 0 });
    const fail = await meterstream(
      'ksql-test',
      '--sql-file',
      join(base, 'statements.sql'),
      '--input-file',
      join(base, 'input.json'),
      '--output-file',
      join(base, 'output-wrong.json'),
    );
    expect(fail.exitCode).toBe(1);
    expect(fail.out).toMatch(/^\t>>>>> Test failed: Topic 'HIGH', message 1: /);
  });

  it('the built CLI rejects a half-given trio and no arguments, naming what is missing', async () => {
    const half = runCli(['ksql-test', '--sql-file', 'x.sql']);
    expect(await half.exited).toBe(1);
    expect(half.output()).toContain('a standalone test needs --sql-file and --output-file');
    const none = runCli(['ksql-test']);
    expect(await none.exited).toBe(1);
    expect(none.output()).toContain('give QTT files or directories, or --sql-file');
  });
});
