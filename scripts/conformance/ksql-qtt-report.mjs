// Renders the JSON summary of `meterstream ksql-test` as docs/ksql-conformance.md.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [summaryFile, qttDir] = process.argv.slice(2);
const s = JSON.parse(readFileSync(summaryFile, 'utf8'));
const t = s.totals;
const all = t.passed + t.failed + t.unsupported + t.crashed;
const pct = (n) => `${((n / all) * 100).toFixed(1)} %`;
const row = (cells) => `| ${cells.join(' | ')} |`;
const lines = [];
lines.push('# KSQL engine conformance: ksqlDB query-validation tests');
lines.push('');
lines.push(
  `Measured ${new Date().toISOString()} on Node ${process.version}, ksqlDB tests from \`${qttDir}\` (revision ${process.env.KSQL_REVISION ?? 'unknown'}).`,
);
lines.push('');
lines.push(
  'Command (after `npm run build`; the test files come from a checkout of `confluentinc/ksql`, never from this project):',
);
lines.push('');
lines.push('```sh');
lines.push(
  'bash scripts/conformance/ksql-qtt.sh PATH_TO/ksqldb-functional-tests/src/test/resources/query-validation-tests',
);
lines.push('```');
lines.push('');
lines.push(
  'It runs `meterstream ksql-test` on the 47 files issue #17 names. Each test case (a `format` matrix entry counts as one case) is *passed*, *failed* (first difference), *unsupported* (the engine names a feature it does not implement — never counted as passed) or *crashed* (an error escaped: an engine bug or a task failing on a record). Disabled cases (`"enabled": false`) are not counted.',
);
lines.push('');
lines.push(row(['', 'passed', 'failed', 'unsupported', 'crashed', 'cases']));
lines.push(row(['---', '---', '---', '---', '---', '---']));
lines.push(row(['**total**', `**${t.passed}** (${pct(t.passed)})`, t.failed, t.unsupported, t.crashed, all]));
lines.push('');
lines.push('## Per file');
lines.push('');
lines.push(row(['file', 'passed', 'failed', 'unsupported', 'crashed']));
lines.push(row(['---', '---', '---', '---', '---']));
for (const f of s.files) {
  const c = f.counts;
  lines.push(row([basename(f.file, '.json'), c.passed, c.failed, c.unsupported, c.crashed]));
}
lines.push('');
lines.push('## What does not pass, grouped by reason');
lines.push('');
lines.push('Reasons with their specifics (names, numbers) masked; one example case each.');
lines.push('');
lines.push(row(['status', 'cases', 'reason', 'example']));
lines.push(row(['---', '---', '---', '---']));
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ').slice(0, 220);
for (const r of s.reasons) lines.push(row([r.status, r.count, cell(r.reason), cell(r.example)]));
lines.push('');
lines.push('## Known causes');
lines.push('');
lines.push(
  [
    '- **BIGINT beyond 2^53** (BIGINT keys in json/delimited/avro, BIGINT literal min/max, MIN of a long): BIGINT values are JavaScript numbers in the engine, exact up to 2^53 only. Exact BIGINT needs a bigint (or text-preserving) representation through expressions, formats and aggregates.',
    "- **`ksql.new.query.planner.enabled=true`**: the new planner's projection rules (key columns in projection order, keyless sinks, case kept) are not implemented; the engine names the property as unsupported.",
    '- **`Statement: <formatted SQL>` in expected messages** (KAFKA key format with several key columns): ksqlDB appends its own re-formatting of the statement (SqlFormatter); we carry the statement as written.',
    "- **`Exception caught in process`** (DECIMAL overflow in SUM): the failure and its cause match, the wrapper text is Kafka's StreamsException wording, not ours.",
    '- **Error wording** in three negative cases: an aggregate over window bounds in WHERE (ksqlDB reports the unknown column first), HAVING over a join (ksqlDB prints the internal `I1_` column names).',
    "- **`LN`**: V8's `Math.log` differs from Java's in the last digit for some inputs.",
    "- **`PARSE_DATE`** with a pattern shorter than the text: Java's parser accepts the leading match in that case; ours does not.",
  ].join('\n'),
);
lines.push('');
console.log(lines.join('\n'));
