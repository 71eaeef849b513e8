import { testLogger } from '@meterstream/test-support';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  type RunningBroker,
  type SchemaRegistryServer,
  startBroker,
  startSchemaRegistry,
} from '@meterstream/broker';
import {
  type AggregateMetric,
  type Metric,
  createLogger,
  formatMetricKey,
  metricRegistrySerde,
} from '@meterstream/common';
import { openDataset } from '@meterstream/replay';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { afterEach, beforeAll } from 'vitest';
import {
  TICK_GATEWAY,
  committedInput,
  createTopics,
  readAggregates,
  referenceAggregates,
  windowKey,
} from './aggregation-workload.js';
import { type CliProcess, runCli, waitForProcess } from './cli-process.js';

/**
 * What a zombie prints once it learns it was fenced: its offsets refused (stale generation), its
 * producer fenced (the broker aborted its transaction), or a new assignment after re-joining.
 */
export const ZOMBIE_NOTICED =
  /commit refused: tasks migrated|the producer cannot commit any more|"msg":"assignment"[\s\S]*"msg":"assignment"/;

/** The aggregator's defaults: source `metrics`, output `metrics-aggregates-60`, application id per window set. */
export const SOURCE = 'metrics';
export const OUTPUT = 'metrics-aggregates-60';
export const APPLICATION_ID = 'meterstream-aggregator-60';
const PARTITIONS = 4;

const DATASETS =
  process.env.METERSTREAM_DATASETS_DIR ?? resolve(import.meta.dirname, '../../../../../shared/datasets');
export const UCI_SAMPLE = resolve(DATASETS, 'uci/household_power_consumption.txt');
/**
 * Whether to run: the sample is there, or it must be (METERSTREAM_REQUIRE_DATASETS=1, set by .ci/run:
 * then its absence fails the test instead of skipping it), as for the replay module's sample tests.
 */
export const samplePresent = existsSync(UCI_SAMPLE) || process.env.METERSTREAM_REQUIRE_DATASETS === '1';

/**
 * The first `rows` rows of the UCI household sample (one reading a minute, 4 attributes), replayed
 * for `gateways` gateways as the replay publisher fans a household out: every 1-minute window of
 * every series holds one reading, so each input record ends up in exactly one output window.
 */
export async function datasetMetrics(rows: number, gateways: number): Promise<Metric[]> {
  if (!existsSync(UCI_SAMPLE))
    throw new Error(`dataset sample missing: ${UCI_SAMPLE} (set METERSTREAM_DATASETS_DIR)`);
  const metrics: Metric[] = [];
  let read = 0;
  for await (const row of openDataset(UCI_SAMPLE, { type: 'electricity' })) {
    if (read++ >= rows) break;
    for (let g = 0; g < gateways; g++) {
      for (const reading of row.readings) {
        metrics.push({
          gateway: `household-${g}`,
          metricType: 'ELECTRICITY',
          metricAttribute: reading.attribute as Metric['metricAttribute'],
          timestamp: row.timestamp,
          value: reading.value,
        });
      }
    }
  }
  return metrics;
}

/**
 * The set-up and tear-down every exactly-once crash test file shares, registered in the calling
 * file: the input loaded once (2,000 minutes of the UCI sample for 3 households: 24,000 metrics,
 * 24,000 windows) and the scenario a test started closed after it. Returns what starts that
 * scenario: a broker and registry of its own over the input.
 */
export function useEosScenario(): () => Promise<EosScenario> {
  let metrics: Metric[] = [];
  let scenario: EosScenario | undefined;
  beforeAll(async () => {
    metrics = await datasetMetrics(2_000, 3);
  });
  afterEach(async () => {
    await scenario?.close();
    scenario = undefined;
  });
  return async () => {
    scenario = await EosScenario.start(metrics);
    return scenario;
  };
}

/** A broker and Schema Registry of its own, the input produced (Avro via the registry) and the reference. */
export class EosScenario {
  readonly kafka: Kafka;
  private admin: Admin | undefined;
  private readonly processes: CliProcess[] = [];
  /** How much of the input produceNext/produceRest have produced. */
  private cursor = 0;
  readonly reference;
  /** Input records (metrics plus one tick per partition closing every window). */
  readonly total: number;

  private constructor(
    readonly dir: string,
    private readonly broker: RunningBroker,
    private readonly registry: SchemaRegistryServer,
    readonly metrics: readonly Metric[],
  ) {
    this.kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    this.reference = referenceAggregates(metrics, 60_000);
    this.total = metrics.length + PARTITIONS;
  }

  static async start(metrics: readonly Metric[]): Promise<EosScenario> {
    const dir = mkdtempSync(join(tmpdir(), 'ms-eos-'));
    const broker = await startBroker({
      port: 0,
      dataDir: join(dir, 'kafka'),
      logger: testLogger('broker'),
    });
    const registry = await startSchemaRegistry({
      port: 0,
      dataDir: join(dir, 'registry'),
      logger: createLogger('registry', 'warn'),
    });
    const scenario = new EosScenario(dir, broker, registry, metrics);
    await createTopics(scenario.kafka, PARTITIONS, SOURCE, OUTPUT);
    scenario.admin = scenario.kafka.admin();
    await scenario.admin.connect();
    return scenario;
  }

  /**
   * Produces metrics [from, to) in timestamp order, as a replay does, in chunks `pauseMs` apart; the
   * part that ends the input is followed by a far-future tick per partition that closes every window.
   */
  async produceInput(
    from = 0,
    to = this.metrics.length,
    { chunk = 5_000, pauseMs = 0 }: { chunk?: number; pauseMs?: number } = {},
  ): Promise<void> {
    const serde = metricRegistrySerde({ url: this.registry.url, subject: `${SOURCE}-value` });
    const producer = this.kafka.producer();
    await producer.connect();
    for (let i = from; i < to; i += chunk) {
      const slice = this.metrics.slice(i, Math.min(i + chunk, to));
      await producer.send({
        topic: SOURCE,
        acks: -1,
        messages: await Promise.all(
          slice.map(async (m) => ({ key: formatMetricKey(m), value: await serde.serialize(m) })),
        ),
      });
      if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    if (to === this.metrics.length) {
      const last = this.metrics.reduce((max, m) => Math.max(max, m.timestamp), 0);
      const tick: Metric = {
        gateway: TICK_GATEWAY,
        metricType: 'GAS',
        metricAttribute: 'GAS_IDD',
        timestamp: last + 10 * 86_400_000,
        value: 0,
      };
      const tickValue = await serde.serialize(tick);
      await producer.send({
        topic: SOURCE,
        acks: -1,
        messages: Array.from({ length: PARTITIONS }, (_, partition) => ({
          key: formatMetricKey(tick),
          value: tickValue,
          partition,
        })),
      });
    }
    await producer.disconnect();
  }

  /** Where the input is split: scenarios produce the first half, crash the aggregator, then the rest. */
  get half(): number {
    return Math.floor(this.metrics.length / 2);
  }

  /**
   * `meterstream aggregate` as a child process with the default command: endpoints and the data
   * directory only (plus a short session timeout, so a killed member leaves the group in seconds
   * rather than 30). Logs at info: the test watches the runtime's state lines.
   */
  aggregator(dataDir = 'a'): CliProcess {
    const proc = runCli(
      [
        'aggregate',
        '--kafka-brokers',
        this.broker.bootstrap,
        '--schema-registry-url',
        this.registry.url,
        '--data-dir',
        join(this.dir, dataDir),
        '--session-timeout-ms',
        '6000',
      ],
      { METERSTREAM_LOG_LEVEL: 'info' },
    );
    this.processes.push(proc);
    return proc;
  }

  committed(): Promise<number> {
    return committedInput(this.kafka, APPLICATION_ID, SOURCE);
  }

  /** committed() for polling: a transient admin error (the group coordinator still loading, …) reads as -1. */
  private async pollCommitted(): Promise<number> {
    try {
      return await this.committed();
    } catch {
      return -1;
    }
  }

  /** How many metrics of the input have been handed to produceNext/produceRest so far. */
  get produced(): number {
    return this.cursor;
  }

  /** The next `count` metrics of the input not produced yet (see produceInput), paced like a replay. */
  produceNext(count: number, pacing: { chunk?: number; pauseMs?: number } = { chunk: 300, pauseMs: 100 }) {
    const from = this.cursor;
    this.cursor = Math.min(this.metrics.length, from + count);
    return this.produceInput(from, this.cursor, pacing);
  }

  /** Everything not produced yet, then the ticks that close every window. */
  produceRest(): Promise<void> {
    const from = this.cursor;
    this.cursor = this.metrics.length;
    return this.produceInput(from, this.metrics.length);
  }

  /** Partitions of the output and changelog topics with a transaction open (LSO below the high watermark). */
  /**
   * Partitions whose last stable offset lags the high watermark. With `ofPartitions` (the tasks of
   * one instance), only its changelog partitions count: with two instances running, an open
   * transaction on the output or on the other instance's changelogs says nothing of this one.
   */
  async openTransactions(ofPartitions?: ReadonlySet<number>): Promise<string[]> {
    const admin = this.admin!;
    const topics = (await admin.listTopics()).filter(
      (t) => (t === OUTPUT && !ofPartitions) || t.endsWith('-changelog'),
    );
    const open: string[] = [];
    for (const topic of topics) {
      const high = await admin.fetchTopicOffsets(topic, { isolationLevel: 0 });
      const stable = await admin.fetchTopicOffsets(topic, { isolationLevel: 1 });
      for (const h of high) {
        if (ofPartitions && !ofPartitions.has(h.partition)) continue;
        const s = stable.find((x) => x.partition === h.partition);
        if (s && Number(s.high) < Number(h.high)) open.push(`${topic}[${h.partition}]`);
      }
    }
    return open;
  }

  /**
   * Polls until a transaction of the aggregator is caught open, while `input` (a paced produce)
   * keeps it committing; fails if the input ends and is processed first.
   */
  async catchOpenTransaction(input: Promise<void>, ofPartitions?: ReadonlySet<number>): Promise<string[]> {
    let produced = false;
    void input.then(() => {
      produced = true;
    });
    for (;;) {
      // A changelog topic being created, a metadata refresh: try again.
      const open = await this.openTransactions(ofPartitions).catch(() => []);
      if (open.length) return open;
      if (produced && (await this.pollCommitted()) >= this.cursor)
        throw new Error('no transaction was caught open while the input was processed');
    }
  }

  /** Waits for `proc` to write a log line containing `text` (pino JSON: matches the msg field too). */
  async waitForLog(proc: CliProcess, text: string, what: string, timeoutMs = 60_000, count = 1) {
    await waitForProcess(proc, what, () => countOf(proc.output(), text) >= count, timeoutMs, 20);
  }

  async waitForCommitted(proc: CliProcess, atLeast: number, what: string, timeoutMs = 90_000) {
    await waitForProcess(proc, what, async () => (await this.pollCommitted()) >= atLeast, timeoutMs, 50);
  }

  /**
   * Waits for each instance's assignment, then produces the next 3,000 metrics paced like a replay
   * and waits until half of them are committed: the instances are running their transactions.
   */
  async waitUntilCommitting(...running: CliProcess[]): Promise<void> {
    for (const [i, proc] of running.entries())
      await this.waitForLog(proc, '"msg":"assignment"', `the assignment of instance ${i + 1}`);
    const from = this.cursor;
    await this.produceNext(3_000);
    await this.waitForCommitted(running[0]!, from + 1_500, 'some input committed');
  }

  /**
   * Kills `proc` while one of its transactions is open — the transaction must still be open after
   * the kill (it may end between the poll that saw it and the signal: then the instance is
   * restarted and the next transaction is tried, on more paced input). Returns the instance killed.
   */
  async killMidTransaction(proc: CliProcess, attempts = 5): Promise<void> {
    let current = proc;
    let input = this.produceNext(3_000);
    for (let attempt = 1; ; attempt++) {
      const partitions = assignedPartitions(current);
      await this.catchOpenTransaction(input, partitions);
      await this.kill(current);
      const open = await this.openTransactions(partitions);
      await input;
      if (open.length) return;
      if (attempt >= attempts) throw new Error(`no kill landed mid-transaction in ${attempts} attempts`);
      current = this.aggregator();
      await this.waitForLog(current, '"msg":"assignment"', 'the restarted instance’s assignment');
      input = this.produceNext(3_000);
    }
  }

  /** Kills with SIGKILL and waits for the exit. */
  /**
   * A zombie: two instances commit, `a` is stopped (SIGSTOP) while input flows until `b` took its
   * partitions, stays stopped `stallAfterTakeoverMs` longer, is resumed, and the rest of the input
   * is produced; then both stop and the output is checked against the reference.
   */
  async zombieTakeover(stallAfterTakeoverMs: number): Promise<{ a: CliProcess; b: CliProcess }> {
    const a = this.aggregator('a');
    const b = this.aggregator('b');
    await this.waitUntilCommitting(a, b);
    const replay = this.produceNext(6_000);
    const assignmentsOfB = b.output().match(/"msg":"assignment"/g)?.length ?? 0;
    a.kill('SIGSTOP');
    await this.waitForLog(b, '"msg":"assignment"', 'B to take over', 60_000, assignmentsOfB + 1);
    await new Promise((resolve) => setTimeout(resolve, stallAfterTakeoverMs));
    a.kill('SIGCONT');
    await replay;
    // A must notice before the run ends: B can commit all the input within a second of A waking
    // (while A's consumer is still re-joining), and stopping A then would leave nothing to check.
    await waitForProcess(a, 'A to notice it was fenced', () => ZOMBIE_NOTICED.test(a.output()), 60_000, 50);
    await this.produceRest();
    await this.finishAndCheck([a, b]);
    return { a, b };
  }

  async kill(proc: CliProcess): Promise<void> {
    proc.kill('SIGKILL');
    const exit = await proc.exited;
    if (exit !== 'SIGKILL') throw new Error(`expected the aggregator to die of SIGKILL, got ${exit}`);
  }

  /**
   * Waits until every input record is committed, stops the running aggregators gracefully, and
   * checks the committed output (read_committed) against the reference: no duplicated, missing or
   * different window. Returns the number of windows checked.
   */
  async finishAndCheck(running: CliProcess[]): Promise<number> {
    // Each of them got tasks and ran (a SIGTERM before its handler is installed would kill it).
    for (const proc of running) await this.waitForLog(proc, '"msg":"assignment"', 'an assignment');
    await waitForProcess(
      running[0]!,
      'all input committed',
      async () => (await this.pollCommitted()) >= this.total,
      120_000,
      100,
    );
    for (const proc of running) proc.kill('SIGTERM');
    for (const proc of running) {
      const exit = await proc.exited;
      if (exit !== 0) throw new Error(`aggregator exited with ${exit}:\n${proc.output().slice(-4000)}`);
    }
    const expected = [...this.reference.keys()].filter((k) => !k.startsWith(`${TICK_GATEWAY}.`)).length;
    const records = await readAggregates(this.kafka, OUTPUT, { atLeast: expected, settleMs: 1_500 });
    const comparison = compareWithReference(records, this.reference);
    if (comparison.duplicated || comparison.missing || comparison.different || comparison.unexpected)
      throw new Error(
        `output differs from the reference: ${JSON.stringify(comparison)} (${expected} windows expected)`,
      );
    return expected;
  }

  async close(): Promise<void> {
    const debugDir = process.env.METERSTREAM_EOS_TEST_LOGS;
    // Keeps the children's logs for a look at a failure (METERSTREAM_EOS_TEST_LOGS=<dir>).
    if (debugDir) {
      for (const [i, proc] of this.processes.entries())
        writeFileSync(join(debugDir, `${basename(this.dir)}-aggregator-${i}.log`), proc.output());
    }
    for (const proc of this.processes) proc.kill('SIGKILL');
    await Promise.all(this.processes.map((p) => p.exited));
    await this.admin?.disconnect();
    await this.registry.close();
    await this.broker.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Windows of the output compared with the reference (tick windows excluded), counted, with examples. */
export function compareWithReference(
  records: readonly AggregateMetric[],
  reference: ReadonlyMap<string, AggregateMetric>,
) {
  const expected = new Map([...reference].filter(([key]) => !key.startsWith(`${TICK_GATEWAY}.`)));
  const seen = new Map<string, AggregateMetric>();
  const examples: string[] = [];
  let duplicated = 0;
  let different = 0;
  let unexpected = 0;
  for (const r of records) {
    const key = windowKey(formatMetricKey(r), r.windowStart);
    if (seen.has(key)) {
      duplicated++;
      if (examples.length < 3) examples.push(`duplicated ${key}`);
      continue;
    }
    seen.set(key, r);
    const want = expected.get(key);
    if (!want) {
      unexpected++;
      if (examples.length < 3) examples.push(`unexpected ${key}`);
    } else if (JSON.stringify(r) !== JSON.stringify(want)) {
      different++;
      if (examples.length < 3)
        examples.push(`different ${key}: ${JSON.stringify(r)} vs ${JSON.stringify(want)}`);
    }
  }
  const missing = [...expected.keys()].filter((key) => !seen.has(key)).length;
  return { duplicated, missing, different, unexpected, examples };
}

/** Input partitions of the tasks in `proc`'s last "assignment" log line (task ids `<sub>_<partition>`). */
function assignedPartitions(proc: CliProcess): Set<number> {
  const lines = proc
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"assignment"'));
  const last = lines.at(-1);
  if (!last) throw new Error('the instance has not logged an assignment yet');
  const { tasks } = JSON.parse(last.slice(last.indexOf('{'))) as { tasks: string[] };
  return new Set(tasks.map((task) => Number(task.split('_')[1])));
}

function countOf(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}
