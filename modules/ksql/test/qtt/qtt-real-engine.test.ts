import { join } from 'node:path';
import { QTT_FIXTURES as fixtures } from '@meterstream/test-support/ksql';
import { describe, expect, it } from 'vitest';
import { createKsqlBackend } from '../../src/qtt/ksql-backend.js';
import { exitCodeOf, runQttFiles } from '../../src/qtt/qtt-runner.js';
import { runStandaloneTest } from '../../src/qtt/standalone-test.js';

/** Our QTT fixtures on the real KsqlEngine: what passes on the stand-in must pass here too. */
describe('QTT runner on the KSQL engine', () => {
  it('runs the fixtures: passes, chains, matrix, expected error; references unsupported; a wrong value fails', async () => {
    const backend = await createKsqlBackend();
    const summary = await runQttFiles([join(fixtures, 'passing'), join(fixtures, 'failing')], backend);
    const statusOf = Object.fromEntries(summary.files.flatMap((f) => f.results.map((r) => [r.name, r])));
    for (const r of Object.values(statusOf)) {
      if (r.name.endsWith('avro readings with schema references')) expect(r.status).toBe('unsupported');
      else if (r.name.endsWith('expecting the wrong wattage')) {
        expect(r).toMatchObject({
          status: 'failed',
          message:
            'Topic \'COPIED\', message 1: Expected <"gw-2", {"WATTS":61}> with timestamp=6 and headers=[] ' +
            'but was <"gw-2", {"WATTS": 60}> with timestamp=6 and headers=[]',
        });
      } else expect(r.status, `${r.name}: ${r.message}`).toBe('passed');
    }
    expect(summary.totals).toEqual({ passed: 7, failed: 1, unsupported: 1, crashed: 0 });
    expect(exitCodeOf(summary)).toBe(1);
  });

  it('runs the standalone trio', async () => {
    const backend = await createKsqlBackend();
    const printed: string[] = [];
    const base = join(fixtures, 'standalone');
    const r = await runStandaloneTest(
      {
        sqlFile: join(base, 'statements.sql'),
        inputFile: join(base, 'input.json'),
        outputFile: join(base, 'output.json'),
      },
      backend,
      (l) => printed.push(l),
    );
    expect(printed).toEqual(['\t >>> Test passed!']);
    expect(r.exitCode).toBe(0);
  });
});
