// Renders jest's JSON report of kafkajs's integration specs (run by kafkajs.sh) as markdown:
// passed / failed / skipped per area, and every failure with the class and reason of the first
// rule of kafkajs-failure-classes.json that matches it. A failure no rule matches is the broker's.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const [resultsFile, rulesFile, workDir] = process.argv.slice(2);
const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
const { classes, rules } = JSON.parse(readFileSync(rulesFile, 'utf8'));
const AREAS = ['producer', 'consumer', 'admin', 'cluster', 'broker'];
const CLASS_ORDER = ['broker', ...Object.keys(classes).filter((c) => c !== 'broker')];

// Fails loudly on a rule that names an unknown class or an unknown field: a typo in the data
// file would otherwise silently attribute failures to the broker.
const compiled = rules.map((r, i) => {
  for (const key of Object.keys(r)) {
    if (!['class', 'reason', 'file', 'test', 'error'].includes(key)) {
      throw new Error(`${rulesFile}: rule ${i + 1} has an unknown field "${key}"`);
    }
  }
  if (!(r.class in classes)) throw new Error(`${rulesFile}: rule ${i + 1} names unknown class "${r.class}"`);
  if (!r.reason) throw new Error(`${rulesFile}: rule ${i + 1} has no reason`);
  return {
    ...r,
    index: i,
    matched: 0,
    fileRe: r.file ? new RegExp(r.file) : null,
    testRe: r.test ? new RegExp(r.test) : null,
    errorRe: r.error ? new RegExp(r.error) : null,
  };
});

const stripAnsi = (s) => stripVTControlCharacters(s);
// The first line of the error, with its cause when the first line is a bare error name
// (kafkajs's KafkaJSNonRetriableError says what went wrong only in "Caused by").
const firstLine = (s) => {
  const lines = stripAnsi(s)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const first = lines[0] ?? '';
  const cause = lines.find((l) => l.startsWith('Caused by:'));
  return /^\w+$/.test(first) && cause ? `${first} ${cause}` : first;
};

const perArea = Object.fromEntries(
  AREAS.map((a) => [a, { files: 0, passed: 0, failed: 0, skipped: 0, byClass: {} }]),
);
const failures = [];
const skipped = [];
for (const suite of results.testResults) {
  const file = relative(workDir, suite.name);
  const area = AREAS.find((a) => file.startsWith(`src/${a}/`));
  if (area === undefined) throw new Error(`a spec outside the five areas: ${file}`);
  const counts = perArea[area];
  counts.files++;
  const tests = suite.assertionResults.map((t) => ({
    title: t.fullName ?? [...t.ancestorTitles, t.title].join(' '),
    status: t.status,
    error: (t.failureMessages ?? []).join('\n'),
  }));
  // A file that could not run (syntax error, failing hook outside any test) has no results.
  if (tests.length === 0 && suite.status === 'failed') {
    tests.push({ title: '(the spec file failed to run)', status: 'failed', error: suite.message ?? '' });
  }
  for (const t of tests) {
    if (t.status === 'passed') counts.passed++;
    else if (t.status === 'failed') {
      counts.failed++;
      const error = stripAnsi(t.error);
      const rule = compiled.find(
        (r) =>
          (!r.fileRe || r.fileRe.test(file)) &&
          (!r.testRe || r.testRe.test(t.title)) &&
          (!r.errorRe || r.errorRe.test(error)),
      );
      if (rule) rule.matched++;
      const cls = rule ? rule.class : 'broker';
      counts.byClass[cls] = (counts.byClass[cls] ?? 0) + 1;
      failures.push({
        area,
        file,
        title: t.title,
        cls,
        reason: rule ? rule.reason : 'no rule explains it: attributed to the broker until shown otherwise',
        error: firstLine(error),
      });
    } else {
      counts.skipped++;
      skipped.push({ file, title: t.title });
    }
  }
}

failures.sort((a, b) => a.file.localeCompare(b.file) || a.title.localeCompare(b.title));
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ').slice(0, 240);
const row = (cells) => `| ${cells.join(' | ')} |`;
const total = { files: 0, passed: 0, failed: 0, skipped: 0, byClass: {} };
for (const a of AREAS) {
  const c = perArea[a];
  total.files += c.files;
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
  for (const [k, v] of Object.entries(c.byClass)) total.byClass[k] = (total.byClass[k] ?? 0) + v;
}
const minutes = (Number(process.env.RUN_SECONDS ?? 0) / 60).toFixed(1);

const lines = [];
lines.push("# Kafka conformance: kafkajs's own integration suite against the embedded broker");
lines.push('');
lines.push(
  `Measured ${new Date(results.startTime).toISOString()} (start of the run) on Node ${process.version}: kafkajs ${process.env.KAFKAJS_VERSION ?? 'unknown'}, ` +
    `its ${total.files} spec files under \`src/{producer,consumer,admin,cluster,broker}\`, ` +
    `broker \`--fsync ${process.env.FSYNC ?? 'fsync'}\`, jest with ${process.env.WORKERS ?? '?'} workers; the suite took ${minutes} min.`,
);
lines.push('');
lines.push(
  'Command (from the repository root; the kafkajs sources come from a checkout of `tulios/kafkajs`, never from this project):',
);
lines.push('');
lines.push('```sh');
lines.push(
  'mkdir -p /tmp/kafkajs-2.2.4 && git --git-dir=PATH_TO/kafkajs.git archive v2.2.4 | tar -x -C /tmp/kafkajs-2.2.4',
);
lines.push('bash scripts/conformance/kafkajs.sh --doc docs/conformance.md /tmp/kafkajs-2.2.4');
lines.push('```');
lines.push('');
lines.push(
  'The script runs the suite on a scratch copy with our adjustments to its test helpers only (one embedded broker on ' +
    "`localhost:9092` stands for the reference cluster's three plaintext brokers, advertising `localhost`, 2 partitions per " +
    "auto-created topic, stock Kafka's 7-day retention, 1 GiB segments and no transaction partition verification as on " +
    'the reference Kafka 2.4 (`kafkajs-broker.mjs`); `addPartitions` through `admin.createPartitions` instead of ' +
    '`docker exec`; `KAFKA_VERSION=2.4`) — see ' +
    'the comments in `scripts/conformance/kafkajs.sh` and `kafkajs-adjust.mjs`. Each failure gets the class of the first ' +
    'rule in `scripts/conformance/kafkajs-failure-classes.json` that matches its file, test name and error; a failure no rule ' +
    "explains counts as the broker's. Skipped tests are the suite's own (`test.skip`, tests gated on other Kafka versions).",
);
lines.push('');
lines.push('## Per area');
lines.push('');
lines.push(
  row(['area', 'spec files', 'passed', 'failed', ...CLASS_ORDER.map((c) => `of which ${c}`), 'skipped']),
);
lines.push(row(Array(5 + CLASS_ORDER.length).fill('---')));
const areaRow = (name, c) =>
  row([name, c.files, c.passed, c.failed, ...CLASS_ORDER.map((k) => c.byClass[k] ?? 0), c.skipped]);
for (const a of AREAS) lines.push(areaRow(a, perArea[a]));
lines.push(areaRow('**total**', total).replace(/\| (\d+) /g, '| **$1** '));
lines.push('');
lines.push('## Classes');
lines.push('');
for (const c of CLASS_ORDER) lines.push(`- **${c}** (${total.byClass[c] ?? 0}): ${classes[c]}`);
lines.push('');
// Per class, the failures grouped by the reason (rule) that explains them.
for (const c of CLASS_ORDER) {
  const list = failures.filter((f) => f.cls === c);
  lines.push(`## Failures: ${c} (${list.length})`);
  lines.push('');
  if (list.length === 0) {
    lines.push('None.');
    lines.push('');
    continue;
  }
  const reasons = [...new Set(list.map((f) => f.reason))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  for (const reason of reasons) {
    const group = list.filter((f) => f.reason === reason);
    lines.push(`**${reason}** (${group.length})`);
    lines.push('');
    lines.push(row(['spec file', 'test', 'first line of the error']));
    lines.push(row(['---', '---', '---']));
    for (const f of group)
      lines.push(row([`\`${f.file.replace(/^src\//, '')}\``, cell(f.title), cell(f.error)]));
    lines.push('');
  }
}
lines.push(`## Skipped by the suite itself (${skipped.length})`);
lines.push('');
lines.push(
  "Not run by kafkajs's own conditions: `test.skip`/`it.skip`, tests gated on another Kafka version than `KAFKA_VERSION=2.4`, OAUTHBEARER blocks that need `OAUTHBEARER_ENABLED=1` and their own cluster.",
);
lines.push('');
if (skipped.length > 0) {
  lines.push(row(['spec file', 'test']));
  lines.push(row(['---', '---']));
  skipped.sort((a, b) => a.file.localeCompare(b.file) || a.title.localeCompare(b.title));
  for (const t of skipped) lines.push(row([`\`${t.file.replace(/^src\//, '')}\``, cell(t.title)]));
  lines.push('');
}
const unused = compiled.filter((r) => r.matched === 0);
if (unused.length > 0) {
  lines.push('## Rules that matched no failure in this run');
  lines.push('');
  lines.push(
    'Kept for runs where they apply (other timing, other flags); remove a rule once it is obsolete.',
  );
  lines.push('');
  for (const r of unused) lines.push(`- rule ${r.index + 1} (${r.class}): ${r.reason}`);
  lines.push('');
}
console.log(lines.join('\n'));
