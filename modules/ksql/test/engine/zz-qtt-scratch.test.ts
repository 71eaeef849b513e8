import { it } from 'vitest';
import { createKsqlBackend, formatReport, runQttFiles } from '../../src/index.js';

const DIR = '/work/ksql-qtt/ksqldb-functional-tests/src/test/resources/query-validation-tests/';
it('qtt scratch', async () => {
  const files = (process.env.QTT_FILES ?? 'project-filter.json').split(',').map((f) => DIR + f);
  const backend = await createKsqlBackend();
  const summary = await runQttFiles(files, backend);
  console.log(JSON.stringify(summary.totals));
  const lines: string[] = [];
  for (const f of summary.files)
    for (const r of f.results)
      if (r.status !== 'passed')
        lines.push(`${r.status} | ${r.name} | ${(r.message ?? '').slice(0, 300).replace(/\n/g, ' ')}`);
  console.log(lines.join('\n'));
}, 600_000);
