/**
 * Cassandra writer benchmark: rows/s with prepared concurrent writes against the original pipeline's
 * design (one synchronous insert at a time), measured in the same run against the embedded CQL
 * server, and end-to-end writer throughput from the embedded broker with 1, 2 and 4 instances on a
 * 4-partition topic.
 *
 *   npx tsc -b modules/cli && npx tsx bench/cassandra-writer.ts [--rows 20000] [--runs 1] [--scaling-only]
 *
 * --runs repeats the 1/2/4-instance measurement (interleaved: 1, 2, 4, 1, 2, 4, …) and reports the
 * median and the spread of each; --scaling-only skips the one-at-a-time baselines. The CQL server
 * and the broker run in their own processes (as in the local stack), each writer instance too, so
 * the benchmark process only produces, polls committed offsets and measures. BENCH_CQL_NODE_ARGS
 * and BENCH_WRITER_NODE_ARGS add node options to the CQL server and the writers (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof`, which NODE_OPTIONS does not allow); BENCH_WRITER_ENTRY runs another
 * build of the writer (a path from the repository root).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type AggregateMetric, aggregateJsonSerde, formatMetricKey } from '@meterstream/common';
import { AggregateDao, applyMigrations } from '@meterstream/persistence';
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '1' },
    'scaling-only': { type: 'boolean', default: false },
    'batch-rows': { type: 'string' },
    'batch-grouping': { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
const SCALING_ONLY = args['scaling-only'];
/** The writers' --batch-rows and --batch-grouping in the instance-scaling runs (default: the writer's). */
const BATCH_FLAGS = [
  ...(args['batch-rows'] ? ['--batch-rows', args['batch-rows']] : []),
  ...(args['batch-grouping'] ? ['--batch-grouping', args['batch-grouping']] : []),
];
const SEQUENTIAL_ROWS = Math.min(ROWS, 4_000);
const INSTANCES = [1, 2, 4] as const;
const children: ChildProcess[] = [];

function nodeArgs(variable: string): string[] {
  return (process.env[variable] ?? '').split(' ').filter((a) => a.length > 0);
}

/** CPU seconds (user + system) a process used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (CLK_TCK 100)
}

/** Starts an embedded server from its built package in a child process; resolves with its port. */
function startServer(kind: 'cql' | 'kafka', dataDir: string): Promise<number> {
  // Closing on SIGTERM (not dying of it) lets --cpu-prof write its profile.
  const code =
    kind === 'cql'
      ? `import { startCqlServer } from '@meterstream/cql-server';
         const s = await startCqlServer({ port: 0, dataDir: ${JSON.stringify(dataDir)} });
         process.once('SIGTERM', () => void s.close().finally(() => process.exit(0)));
         console.log('READY ' + s.port);`
      : `import { startBroker } from '@meterstream/broker';
         const b = await startBroker({ port: 0, dataDir: ${JSON.stringify(dataDir)} });
         console.log('READY ' + b.port);`;
  const child = spawn(
    process.execPath,
    [...(kind === 'cql' ? nodeArgs('BENCH_CQL_NODE_ARGS') : []), '--input-type=module', '-e', code],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, LOG_LEVEL: 'warn', METERSTREAM_LOG_LEVEL: 'warn' },
    },
  );
  children.push(child);
  return new Promise((resolvePort, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) resolvePort(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

function makeAggregates(count: number, seed = 0): AggregateMetric[] {
  const list: AggregateMetric[] = [];
  const start = Date.parse('2006-12-16T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const gateway = `gw-${(i + seed) % 100}`;
    const windowStart = start + Math.floor(i / 100) * 60_000;
    list.push({
      gateway,
      metricType: 'ELECTRICITY',
      metricAttribute: 'ACTIVE_POWER',
      windowStart,
      windowEnd: windowStart + 60_000,
      sampleCount: 60,
      min: i % 7,
      max: (i % 7) + 10,
      sum: 600 + i,
      average: (600 + i) / 60,
    });
  }
  return list;
}

/** One end-to-end writer measurement. */
interface WriterRun {
  rate: number;
  /** CPU seconds per row (µs) of the CQL server, the broker and all writer instances together. */
  cqlMicros: number;
  brokerMicros: number;
  writersMicros: number;
  /** Share of one core over the run. */
  cqlBusy: number;
  brokerBusy: number;
  writersBusy: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0]!;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-cassandra-writer-'));
  const cqlPort = await startServer('cql', join(dataDir, 'cql'));
  const cqlPid = children[0]!.pid!;
  const kafkaPort = await startServer('kafka', join(dataDir, 'kafka'));
  const brokerPid = children[1]!.pid!;
  const contactPoint = `127.0.0.1:${cqlPort}`;
  const bootstrap = `127.0.0.1:${kafkaPort}`;
  const client = new cassandra.Client({ contactPoints: [contactPoint], localDataCenter: 'datacenter1' });
  await applyMigrations(client, { keyspace: 'bench' });
  const dao = new AggregateDao(client, { keyspace: 'bench', concurrency: 64 });

  // 1. DAO level: one synchronous insert at a time (the original pipeline's writer) vs prepared concurrent saveAll.
  let sequentialRate = 0;
  let concurrentRate = 0;
  if (!SCALING_ONLY) {
    const sequentialRows = makeAggregates(SEQUENTIAL_ROWS, 1);
    const insert = dao.insertCql(60);
    let t0 = performance.now();
    for (const a of sequentialRows) await client.execute(insert, dao.insertParams(60, a), { prepare: true });
    sequentialRate = SEQUENTIAL_ROWS / ((performance.now() - t0) / 1000);
    const concurrentRows = makeAggregates(ROWS, 2);
    t0 = performance.now();
    for (let i = 0; i < concurrentRows.length; i += 2000)
      await dao.saveAll(60, concurrentRows.slice(i, i + 2000));
    concurrentRate = ROWS / ((performance.now() - t0) / 1000);
    console.log({ sequentialRate, concurrentRate });
  }

  // 2. End to end: the writer app (child processes) from a 4-partition topic.
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  const messages = makeAggregates(ROWS, 3).map((a) => ({
    key: formatMetricKey(a),
    value: aggregateJsonSerde.serialize(a),
  }));
  // BENCH_WRITER_ENTRY: another build of the writer (e.g. a copy of an older modules/cli/dist inside
  // modules/cli, so its imports resolve alike) to compare against in alternating sessions.
  const entry = resolve(
    root,
    process.env.BENCH_WRITER_ENTRY ?? 'modules/cli/dist/apps/cassandra-writer-main.js',
  );

  async function committed(groupId: string, topic: string): Promise<number> {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  }

  async function writerRun(
    name: string,
    instances: number,
    concurrency: number,
    partitionsConcurrently: number,
    batchFlags: string[],
  ): Promise<WriterRun> {
    const topic = `bench-${name}`;
    const groupId = `bench-group-${name}`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 4 }] });
    const writers: ChildProcess[] = [];
    for (let i = 0; i < instances; i++) {
      const child = spawn(
        process.execPath,
        [
          ...nodeArgs('BENCH_WRITER_NODE_ARGS'),
          entry,
          '--window',
          '60',
          '--topic',
          topic,
          '--group',
          groupId,
          '--concurrency',
          String(concurrency),
          '--partitions-concurrently',
          String(partitionsConcurrently),
          ...batchFlags,
          '--kafka-brokers',
          bootstrap,
          '--cassandra-contact-points',
          contactPoint,
          '--cassandra-keyspace',
          'bench',
          '--schema-registry-url',
          'none',
          '--log-level',
          'error',
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      children.push(child);
      writers.push(child);
    }
    // Measure from a settled group: every instance joined and holds partitions.
    for (;;) {
      const { groups } = await admin.describeGroups([groupId]);
      const g = groups[0];
      if (
        g?.state === 'Stable' &&
        g.members.length === instances &&
        g.members.every((m) => m.memberAssignment.length > 0)
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const start = performance.now();
    const cpuBefore = cpuSeconds(cqlPid);
    const brokerBefore = cpuSeconds(brokerPid);
    const writersBefore = writers.reduce((sum, w) => sum + cpuSeconds(w.pid!), 0);
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
    }
    while ((await committed(groupId, topic)) < ROWS) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - start) / 1000;
    const cql = cpuSeconds(cqlPid) - cpuBefore;
    const broker = cpuSeconds(brokerPid) - brokerBefore;
    const writersCpu = writers.reduce((sum, w) => sum + cpuSeconds(w.pid!), 0) - writersBefore;
    await Promise.all(
      writers.map(
        (w) =>
          new Promise<void>((r) => {
            w.once('exit', () => r());
            w.kill('SIGTERM');
          }),
      ),
    );
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined); // best effort: frees the broker's disk
    const run: WriterRun = {
      rate: ROWS / seconds,
      cqlMicros: (cql * 1e6) / ROWS,
      brokerMicros: (broker * 1e6) / ROWS,
      writersMicros: (writersCpu * 1e6) / ROWS,
      cqlBusy: cql / seconds,
      brokerBusy: broker / seconds,
      writersBusy: writersCpu / seconds,
    };
    console.log({ name, instances, concurrency, ...run });
    return run;
  }

  const oneAtATimeWriter = SCALING_ONLY
    ? undefined
    : await writerRun('one-at-a-time', 1, 1, 1, ['--batch-rows', '1']);
  const scaling = new Map<number, WriterRun[]>(INSTANCES.map((n) => [n, []]));
  for (let run = 1; run <= RUNS; run++)
    for (const n of INSTANCES) scaling.get(n)!.push(await writerRun(`r${run}-x${n}`, n, 64, 4, BATCH_FLAGS));

  await producer.disconnect();
  await admin.disconnect();
  await client.shutdown();
  await Promise.all(
    children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((r) => child.once('exit', r).kill('SIGTERM'))),
  );
  rmSync(dataDir, { recursive: true, force: true });
  const loadAtEnd = loadavg()[0]!;
  const body = report({ sequentialRate, concurrentRate, oneAtATimeWriter, scaling, loadAtStart, loadAtEnd });
  writeBenchmarkSection(
    'cassandra-writer',
    'Cassandra writer: prepared concurrent writes vs one at a time',
    body,
  );
  console.log(body);
}

function report(r: {
  sequentialRate: number;
  concurrentRate: number;
  oneAtATimeWriter: WriterRun | undefined;
  scaling: Map<number, WriterRun[]>;
  loadAtStart: number;
  loadAtEnd: number;
}): string {
  const f = (n: number) => Math.round(n).toLocaleString('en-US');
  const x = (n: number) => `${n.toFixed(2)} ×`;
  const spread = (xs: number[], fmt: (n: number) => string) =>
    xs.length > 1 ? `${fmt(median(xs))} (${fmt(Math.min(...xs))} – ${fmt(Math.max(...xs))})` : fmt(xs[0]!);
  const single = r.scaling.get(1)!;
  const command =
    'npx tsc -b modules/cli && npx tsx bench/cassandra-writer.ts' +
    (ROWS !== 20_000 ? ` --rows ${ROWS}` : '') +
    (RUNS !== 1 ? ` --runs ${RUNS}` : '') +
    (SCALING_ONLY ? ' --scaling-only' : '') +
    (BATCH_FLAGS.length ? ` ${BATCH_FLAGS.join(' ')}` : '');
  const lines = [
    `Command: \`${command}\``,
    '',
    'Embedded CQL server and embedded broker each in their own process; writer instances are child',
    `processes of \`modules/cli/dist/apps/cassandra-writer-main.js\`, all on the machine's ${cpus().length} cores; the`,
    'ratios compare runs made one after the other in the same process. The load average below includes',
    "the benchmark's own processes (a previous run's decay too); far above the core count means other work.",
    `1-minute load average: ${r.loadAtStart.toFixed(1)} at the start, ${r.loadAtEnd.toFixed(1)} at the end.`,
    '',
  ];
  if (r.oneAtATimeWriter) {
    const one = r.oneAtATimeWriter.rate;
    lines.push(
      '**DAO level** (prepared INSERT into `metrics_aggregates_60`):',
      '',
      markdownTable(
        ['design', 'rows', 'rows/s', 'vs one at a time'],
        [
          [
            'one synchronous insert at a time (original pipeline)',
            SEQUENTIAL_ROWS,
            f(r.sequentialRate),
            x(1),
          ],
          [
            '`AggregateDao.saveAll`, 64 in flight',
            ROWS,
            f(r.concurrentRate),
            x(r.concurrentRate / r.sequentialRate),
          ],
        ],
      ),
      '',
      '**Writer app end to end, one insert at a time vs prepared concurrent** (one instance):',
      '',
      markdownTable(
        ['writer', 'rows/s', 'vs one at a time'],
        [
          ['original pipeline design (one insert at a time)', f(one), x(1)],
          [
            'prepared concurrent (64 per partition, 4 partitions at once)',
            f(median(single.map((s) => s.rate))),
            x(median(single.map((s) => s.rate)) / one),
          ],
        ],
      ),
      '',
    );
  }
  lines.push(
    `**Writer instances** (${ROWS.toLocaleString('en-US')} JSON aggregates produced into a 4-partition topic after the`,
    'group settled; time until every offset is committed, i.e. every row acknowledged by the CQL server;',
    `${RUNS} run${RUNS > 1 ? 's' : ''}, the instance counts interleaved; median (min – max)):`,
    '',
    markdownTable(
      [
        'instances',
        'rows/s',
        'vs 1 instance (same run)',
        'CPU µs/row: CQL server / broker / writers',
        'share of one core: CQL server / broker / writers',
      ],
      INSTANCES.map((n) => {
        const runs = r.scaling.get(n)!;
        const med = (k: keyof WriterRun) => median(runs.map((s) => s[k]));
        const pct = (v: number) => `${Math.round(v * 100)} %`;
        return [
          n,
          spread(
            runs.map((s) => s.rate),
            f,
          ),
          spread(
            runs.map((s, i) => s.rate / single[i]!.rate),
            x,
          ),
          [med('cqlMicros'), med('brokerMicros'), med('writersMicros')].map((v) => v.toFixed(1)).join(' / '),
          [med('cqlBusy'), med('brokerBusy'), med('writersBusy')].map(pct).join(' / '),
        ];
      }),
    ),
  );
  // The benchmark alone keeps 2–3 processes busy: only well beyond that is other work running.
  if (Math.max(r.loadAtStart, r.loadAtEnd) > cpus().length * 3) {
    lines.push(
      '',
      `The load average was far above the ${cpus().length} cores (other work on the machine), so each process got`,
      'only a slice of a core; the instance scaling figures mostly show that contention, since every',
      'extra instance is one more process competing for the same cores.',
    );
  }
  return lines.join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  process.exit(1);
});
