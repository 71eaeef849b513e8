/**
 * Turns the JSON lines scripts/performance-tracking.sh collects into its results tables: printed,
 * written as markdown to `--markdown <file>`, and with `--record` written to docs/benchmarks.md as
 * the `performance-tracking` section.
 *
 *   npx tsx bench/perf-tracking-report.ts <results.jsonl> [--markdown out.md] [--record] [--note text]
 *
 * Lines: {"kind":"aggregator", scenario, window, grace, gateways, messages, advanceMessages,
 *         expected, received, inTopic, publishMs, msSinceConsumerStart, msSinceFirstMessage}
 *        {"kind":"writer", instances, aggregates, ms}
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

interface AggregatorRun {
  kind: 'aggregator';
  scenario: string;
  window: number;
  grace: number;
  gateways: number;
  messages: number;
  advanceMessages: number;
  expected: number;
  received: number;
  /** Aggregates in the output topic after the aggregator stopped. */
  inTopic: number;
  publishMs: number;
  msSinceConsumerStart: number;
  msSinceFirstMessage: number;
}

interface WriterRun {
  kind: 'writer';
  instances: number;
  aggregates: number;
  ms: number;
}

type Run = AggregatorRun | WriterRun;

const args = process.argv.slice(2);
const file = args[0];
if (!file) throw new Error('usage: perf-tracking-report.ts <results.jsonl> [--markdown out.md] [--record]');
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};

const runs: Run[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line, i) => {
    try {
      return JSON.parse(line) as Run;
    } catch (error) {
      throw new Error(`${file}:${i + 1}: not JSON: ${(error as Error).message}`);
    }
  });

const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1000) / ms) : 0);
const aggregators = runs.filter((r): r is AggregatorRun => r.kind === 'aggregator');
const writers = runs.filter((r): r is WriterRun => r.kind === 'writer');

const aggregatorHead = [
  'scenario',
  'window',
  'grace',
  'gateways',
  'messages',
  'advance msgs',
  'aggregates expected',
  'received',
  'in topic after stop',
  'publish ms (incl. start-up)',
  'ms since consumer start',
  'ms since first aggregate',
  'aggregates/s after first',
];
const aggregatorRows = aggregators.map((r) => [
  r.scenario,
  `${r.window} s`,
  `${r.grace} s`,
  r.gateways,
  r.messages,
  r.advanceMessages,
  r.expected,
  r.received,
  r.inTopic,
  r.publishMs,
  r.msSinceConsumerStart,
  r.msSinceFirstMessage,
  perSecond(r.received, r.msSinceFirstMessage),
]);
const baseline = writers.find((w) => w.instances === 1) ?? writers[0];
const writerHead = [
  'Cassandra writers',
  'aggregates',
  'ms until all committed',
  'aggregates/s',
  'vs 1 instance',
];
const writerRows = writers.map((w) => [
  w.instances,
  w.aggregates,
  w.ms,
  perSecond(w.aggregates, w.ms),
  baseline
    ? `${(perSecond(w.aggregates, w.ms) / Math.max(1, perSecond(baseline.aggregates, baseline.ms))).toFixed(2)}×`
    : '-',
]);

function plainTable(head: (string | number)[], rows: (string | number)[][]): string {
  const cells = [head, ...rows].map((row) => row.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

process.stdout.write(
  `\nperformance tracking results\n\n${plainTable(aggregatorHead, aggregatorRows)}\n\n${plainTable(writerHead, writerRows)}\n`,
);

const markdown = [
  '### Aggregators (time until the expected aggregates arrived, `meterstream perf track`)',
  '',
  markdownTable(aggregatorHead, aggregatorRows),
  '',
  '### Cassandra writer scaling (one consumer group, 4 partitions)',
  '',
  markdownTable(writerHead, writerRows),
].join('\n');

const out = option('markdown');
if (out) writeFileSync(out, `${markdown}\n`);

if (args.includes('--record')) {
  const note = option('note') ?? '';
  writeBenchmarkSection(
    'performance-tracking',
    "Performance tracking (the original pipeline's method): aggregators and Cassandra writers end to end",
    [
      'Reproduce: `bash scripts/performance-tracking.sh` (sizes via `PERF_*` variables, see the script).',
      '',
      'Method: on a fresh embedded stack, a perf tracker (`meterstream perf track`) is started on the',
      "aggregator's output topic, then the aggregator, then the replay publisher (AMPds2-format water",
      'readings fanned out to the gateways, unthrottled). (a) 1-minute windows: a second publisher one',
      'day later advances stream time so every window closes; each series has one reading per minute,',
      'so messages = aggregates. (b) 1-hour windows with grace 0 and no advance: the last reading',
      '(minute 124) closes hours 0 and 1 and leaves hour 2 open, so 2 × gateways × 2 attributes',
      "aggregates arrive. (c) Cassandra writers: 1, 2, 4 instances in one group read (a)'s aggregate",
      'topic into a fresh keyspace each; the time runs from their launch (process start-up and group',
      'rebalance included) until the group has committed the whole topic. The ratio compares each run',
      'with the single instance of the same run.',
      '',
      note,
      '',
      markdown,
    ].join('\n'),
  );
  process.stdout.write('\nrecorded in docs/benchmarks.md (section performance-tracking)\n');
}
