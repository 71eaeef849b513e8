// Renders the JSON summary of ksql-rest-run.mjs as the "REST conformance" section of
// docs/ksql-conformance.md, replacing the section between its markers (or appending it).
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

const [summaryFile, restDir, docFile] = process.argv.slice(2);
const s = JSON.parse(readFileSync(summaryFile, 'utf8'));
const BEGIN = '<!-- ksql-rest:begin -->';
const END = '<!-- ksql-rest:end -->';
const row = (cells) => `| ${cells.join(' | ')} |`;
const pct = (n, all) => (all === 0 ? '–' : `${((n / all) * 100).toFixed(1)} %`);
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ').slice(0, 220);

/** A failure's message with its specifics masked, so cases failing for one reason group together. */
function reasonOf(r) {
  return (r.message ?? '')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/`[^`]*`/g, '`…`')
    .replace(/\[[^\]]*\]/g, '[…]')
    .replace(/\d+/g, 'N')
    .slice(0, 160);
}

const lines = [BEGIN, '## REST conformance: ksqlDB rest-query-validation-tests', ''];
const t = s.totals;
const all = t.passed + t.failed + t.crashed;
lines.push(
  `Measured ${new Date().toISOString()} on Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), shared with other work; ksqlDB tests from \`${restDir}\` (revision ${process.env.KSQL_REVISION ?? 'unknown'}).`,
  '',
  'Command (after `npm run build`; the test files come from a checkout of `confluentinc/ksql`, never from this project):',
  '',
  '```sh',
  'bash scripts/conformance/ksql-rest.sh PATH_TO/ksqldb-functional-tests/src/test/resources/rest-query-validation-tests [FILE…]',
  '```',
  '',
  "Each case runs on a fresh embedded broker, Schema Registry and `ksql-server` (in-process, on 127.0.0.1 free ports), as ksqlDB's RestTestExecutor runs it: topics created, admin statements in one `/ksql` request, inputs produced, the persistent queries' consumer groups awaited, each `SELECT` sent to `/query`; outputs read back from Kafka; responses matched partially (an expected object is a subset of the answer; rows as a multiset unless `verifyOrder`; numbers by JSON kind). A case is *passed*, *failed* (first difference) or *crashed* (an error escaped the runner or the server, or the case timed out). Stricter than ksqlDB: a case expecting an error fails when none came. Runner: `modules/ksql-server/src/conformance/`.",
  '',
  row(['file', 'passed', 'failed', 'crashed', 'cases']),
  row(['---', '---', '---', '---', '---']),
);
for (const f of s.files) {
  const c = f.counts;
  const n = c.passed + c.failed + c.crashed;
  lines.push(row([f.file, `${c.passed} (${pct(c.passed, n)})`, c.failed, c.crashed, n]));
}
lines.push(row(['**total**', `**${t.passed}** (${pct(t.passed, all)})`, t.failed, t.crashed, all]), '');
lines.push(
  '### What does not pass, grouped by reason',
  '',
  'Specifics (names, numbers) masked; one example case each.',
  '',
);
lines.push(row(['status', 'cases', 'reason', 'example']), row(['---', '---', '---', '---']));
const groups = new Map();
for (const r of s.results) {
  if (r.status === 'passed') continue;
  const key = `${r.status}\u0000${reasonOf(r)}`;
  const g = groups.get(key) ?? { status: r.status, reason: reasonOf(r), count: 0, example: r.name };
  g.count++;
  groups.set(key, g);
}
for (const g of [...groups.values()].sort((a, b) => b.count - a.count)) {
  lines.push(row([g.status, g.count, cell(g.reason), cell(g.example)]));
}
lines.push('', END);
const section = lines.join('\n');

const doc = readFileSync(docFile, 'utf8');
const at = doc.indexOf(BEGIN);
const end = doc.indexOf(END);
const next =
  at >= 0 && end > at
    ? doc.slice(0, at) + section + doc.slice(end + END.length)
    : `${doc.trimEnd()}\n\n${section}\n`;
writeFileSync(docFile, next);
