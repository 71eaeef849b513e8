/**
 * Scalability benchmark by Theodolite's lag rule (see docs/benchmarks.md):
 *
 *   npx tsc -b && node --import tsx bench/scalability/main.ts --workload uc2 \
 *     --loads 25000,50000,75000,100000 [--keys 10000] [--format theodolite-json] \
 *     [--warmup 60] [--duration 180] [--partitions 4] [--instances 1] [--commit-interval-ms 1000]
 *     [--state-store memory|redis [--redis-url url]]   (aggregator; without a URL a redis-server is started)
 *     [--fetch-min-bytes n] [--fetch-max-wait-ms n]   (uc2/uc3: the streams runtime's fetch settings)
 *     [--kafka-brokers host:port --schema-registry-url url] [--cassandra host:port]
 *     [--drain]   (after the duration, wait until the group consumed everything sent; peak RSS then)
 *     [--batch-rows 50]   (uc1: rows per UNLOGGED BATCH to Cassandra, consecutive rows of any sensor; 1 = one INSERT per record)
 *
 * Per load, in ascending order: a fresh input topic and application; the workload process starts,
 * then the load generator offers the load with event time = wall clock; the group's lag is sampled
 * every second; after `duration` seconds the OLS slope of the lag after the `warmup` decides
 * whether the load was sustained (slope < 1 % of the load). The search stops at the first
 * unsustained load. Workloads: uc1 (writer path into Cassandra; the embedded CQL server is started
 * unless --cassandra is given), uc2, uc3, aggregator (`meterstream aggregate`); --instances runs
 * that many workload processes in one group. Reports the CPU seconds of every process (workload
 * instances, generator, broker, CQL server) over the measured interval, per-record CPU of the
 * workload and its peak RSS; writes a JSON result and
 * an SVG lag plot of the highest sustained and first unsustained loads to --out (default
 * bench/scalability/results).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createProgressReporter } from '@meterstream/common';
import { Kafka, logLevel } from 'kafkajs';
import { startBrokerProcess, stopBrokerProcess } from '../lib/broker-process.js';
import { cqlNodeArgs, generatorNodeArgs, startNode, startRedis, stop } from './child.js';
import { groupLag, judge, sampleLag, type LagSample } from './lag-trend.js';
import { lagPlotSvg } from './lag-plot.js';
import { type ProcessStats, processStats } from './process-stats.js';
import type { ValueFormat } from './value-formats.js';
import { WORKLOADS, type WorkloadName } from './workloads/workloads.js';

const { values: args } = parseArgs({
  options: {
    workload: { type: 'string', default: 'uc2' },
    loads: { type: 'string', default: '25000,50000,75000,100000' },
    keys: { type: 'string', default: '10000' },
    format: { type: 'string' },
    warmup: { type: 'string', default: '60' },
    duration: { type: 'string', default: '180' },
    partitions: { type: 'string', default: '4' },
    'kafka-brokers': { type: 'string' },
    'schema-registry-url': { type: 'string' },
    cassandra: { type: 'string' },
    'batch-rows': { type: 'string', default: '50' },
    drain: { type: 'boolean', default: false },
    instances: { type: 'string', default: '1' },
    'commit-interval-ms': { type: 'string', default: '1000' },
    'state-store': { type: 'string', default: 'memory' },
    'redis-url': { type: 'string' },
    'fetch-min-bytes': { type: 'string' },
    'fetch-max-wait-ms': { type: 'string' },
    all: { type: 'boolean', default: false },
    out: { type: 'string', default: resolve(import.meta.dirname, 'results') },
  },
});

const workloadName = args.workload as WorkloadName;
const workload = WORKLOADS[workloadName];
if (!workload) throw new Error(`--workload must be one of ${Object.keys(WORKLOADS).join(', ')}`);
const format = (args.format ?? workload.defaultFormat) as ValueFormat;
const loads = args.loads.split(',').map(Number);
const warmupSec = Number(args.warmup);
const durationSec = Number(args.duration);
if (durationSec - warmupSec < 20) throw new Error('--duration must leave at least 20 s after --warmup');
const keys = Number(args.keys);
const partitions = Number(args.partitions);
const instances = Number(args.instances);
const commitIntervalMs = Number(args['commit-interval-ms']);

interface LoadResult {
  load: number;
  sustained: boolean;
  slope: number;
  samplesUsed: number;
  sampleFailures: number;
  offered: number;
  generator: { cpuSeconds: number; achievedRate: number; maxBehindRecords: number };
  /** Summed over the instances; peak RSS is the largest instance's. */
  workload: { cpuSeconds: number; cpuMicrosPerRecord: number; peakRssMiB: number };
  broker?: { cpuSeconds: number };
  cqlServer?: { cpuSeconds: number };
  /** The Redis state store's server (--state-store redis without --redis-url). */
  redis?: { cpuSeconds: number; peakRssMiB: number };
  /** Distinct keys the generator offered in this load's run: min(--keys, records sent). */
  keysOffered: number;
  samples: LagSample[];
}

const dataDir = mkdtempSync(join(tmpdir(), 'ms-scal-'));
let brokerChild: Awaited<ReturnType<typeof startBrokerProcess>>['child'] | undefined;
let brokers = args['kafka-brokers'];
let registryUrl = args['schema-registry-url'];
if (!brokers) {
  const broker = await startBrokerProcess(dataDir, [], { registry: true });
  brokerChild = broker.child;
  brokers = `127.0.0.1:${broker.port}`;
  registryUrl = `http://127.0.0.1:${broker.registryPort}`;
}
let cqlChild: ChildProcess | undefined;
let cassandra = args.cassandra;
if (workload.needsCassandra && !cassandra) {
  const cql = await startNode(
    [
      ...cqlNodeArgs(),
      resolve(import.meta.dirname, '../../modules/cli/dist/main.js'),
      'cql-server',
      '--port',
      '0',
      '--data-dir',
      join(dataDir, 'cql'),
    ],
    (line) => typeof line.line === 'string' && line.line.startsWith('CQL server listening on'),
  );
  cqlChild = cql.child;
  const listening = cql.events
    .map((e) => /listening on ([^ ]+):(\d+)/.exec(String(e.line ?? '')))
    .find((m) => m);
  cassandra = `${listening![1]}:${listening![2]}`;
}
let redisChild: ChildProcess | undefined;
let redisUrl = args['redis-url'];
if (args['state-store'] === 'redis' && !redisUrl) {
  const redis = await startRedis(join(dataDir, 'redis'));
  redisChild = redis.child;
  redisUrl = redis.url;
}
const kafka = new Kafka({
  clientId: 'bench-scalability',
  brokers: brokers.split(','),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
const results: LoadResult[] = [];
const runId = Date.now().toString(36);
// Measured seconds over every load (a bar on a terminal, plain lines otherwise); the search may
// stop early at the first unsustained load.
const progress = createProgressReporter({
  label: 'scalability',
  unit: 's',
  total: loads.length * durationSec,
});
let measuredSec = 0;

try {
  for (const load of loads) {
    const result = await measure(load);
    results.push(result);
    const verdict = result.sustained ? 'sustained' : 'NOT sustained';
    progress.log(
      `${workloadName} ${load} msg/s: ${verdict} (slope ${result.slope.toFixed(1)} rec/s, consumed ${consumedRate(result).toFixed(0)} msg/s), workload ${result.workload.cpuMicrosPerRecord.toFixed(2)} µs CPU/record, ` +
        `generator ${result.generator.cpuSeconds.toFixed(1)} s CPU, broker ${result.broker?.cpuSeconds.toFixed(1) ?? '-'} s CPU, workload RSS ${result.workload.peakRssMiB.toFixed(0)} MiB` +
        (result.redis ? `, redis-server RSS ${result.redis.peakRssMiB.toFixed(0)} MiB` : '') +
        (result.keysOffered < keys
          ? ` (only ${result.keysOffered} of ${keys} keys offered: raise --duration)`
          : ''),
    );
    if (!result.sustained && !args.all) break;
  }
} finally {
  progress.stop();
  await admin.disconnect();
  if (cqlChild) await stop(cqlChild);
  if (redisChild) await stop(redisChild);
  if (brokerChild) await stopBrokerProcess(brokerChild);
  rmSync(dataDir, { recursive: true, force: true });
}
report();

async function measure(load: number): Promise<LoadResult> {
  const topic = `scal-${runId}-${load}`;
  const applicationId = `bench-${workloadName}-${runId}-${load}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  const started = await Promise.all(
    Array.from({ length: instances }, (_, i) =>
      workload.start({
        brokers: brokers!,
        registryUrl,
        topic,
        applicationId,
        format,
        cassandra,
        commitIntervalMs,
        dataDir: join(dataDir, applicationId, String(i)),
        redisUrl,
        fetchMinBytes: optionalNumber(args['fetch-min-bytes']),
        fetchMaxWaitMs: optionalNumber(args['fetch-max-wait-ms']),
        batchRows: Number(args['batch-rows']),
      }),
    ),
  );
  const pids = started.map((s) => s.child.pid!);
  const before = {
    workload: pids.map(processStats),
    broker: statsOf(brokerChild),
    cql: statsOf(cqlChild),
    redis: statsOf(redisChild),
  };
  const generator = await startNode(
    [
      ...generatorNodeArgs(),
      '--import',
      'tsx',
      resolve(import.meta.dirname, 'load-generator.ts'),
      '--brokers',
      brokers!,
      '--topic',
      topic,
      '--rate',
      String(load),
      '--keys',
      String(keys),
      '--format',
      format,
      ...(registryUrl ? ['--registry-url', registryUrl] : []),
    ],
    'ready',
  );
  const lag = sampleLag(admin, applicationId, topic);
  for (let second = 1; second <= durationSec; second++) {
    await new Promise((r) => setTimeout(r, 1000));
    const latest = lag.samples.at(-1);
    progress.update(++measuredSec, `${load} msg/s, lag ${latest ? latest.lag : '?'}`);
  }
  lag.stop();
  const after = {
    workload: pids.map(processStats),
    broker: statsOf(brokerChild),
    cql: statsOf(cqlChild),
    redis: statsOf(redisChild),
  };
  await stop(generator.child);
  const stopped = generator.events.find((e) => e.event === 'stopped') as
    | { sent: number; cpuSeconds: number; achievedRate: number; maxBehindRecords: number; error?: string }
    | undefined;
  // --drain: peak RSS once the workload has consumed everything offered (every key it was sent).
  const drained = args.drain ? await drainThenStats(applicationId, topic, pids) : undefined;
  await Promise.all(started.map((s) => stop(s.child)));
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined); // best effort: frees the broker's disk
  if (!stopped) {
    const { exitCode, signalCode } = generator.child;
    throw new Error(
      `the load generator did not report what it sent (exit ${exitCode ?? signalCode}):\n${generator.stderrTail()}`,
    );
  }
  if (stopped.error) throw new Error(`the load generator failed: ${stopped.error}`);
  const verdict = judge(lag.samples, warmupSec, load);
  const cpu = after.workload.reduce((sum, a, i) => sum + a.cpuSeconds - before.workload[i]!.cpuSeconds, 0);
  const cpuOf = (a?: ProcessStats, b?: ProcessStats) =>
    a && b ? { cpuSeconds: a.cpuSeconds - b.cpuSeconds } : undefined;
  return {
    load,
    ...verdict,
    sampleFailures: lag.failures(),
    offered: stopped.sent,
    generator: {
      cpuSeconds: stopped.cpuSeconds,
      achievedRate: stopped.achievedRate,
      maxBehindRecords: stopped.maxBehindRecords,
    },
    workload: {
      cpuSeconds: cpu,
      cpuMicrosPerRecord: (cpu * 1e6) / stopped.sent,
      peakRssMiB: Math.max(...(drained?.workload ?? after.workload).map((a) => a.peakRssMiB)),
    },
    broker: cpuOf(after.broker, before.broker),
    cqlServer: cpuOf(after.cql, before.cql),
    redis: after.redis &&
      before.redis && {
        ...cpuOf(after.redis, before.redis)!,
        peakRssMiB: (drained?.redis ?? after.redis).peakRssMiB,
      },
    keysOffered: Math.min(keys, stopped.sent),
    samples: lag.samples,
  };
}

function optionalNumber(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

/**
 * Records/s the workload processed over the measured interval: the rate offered minus the lag's
 * growth. Above the workload's capacity this is its throughput (what compares instance counts).
 */
function consumedRate(r: LoadResult): number {
  return r.generator.achievedRate - Math.max(0, r.slope);
}

/** Waits (up to 15 minutes) until the group's lag is 0, then reads the processes' stats. */
async function drainThenStats(
  groupId: string,
  topic: string,
  pids: number[],
): Promise<{ workload: ProcessStats[]; redis?: ProcessStats }> {
  const deadline = Date.now() + 15 * 60_000;
  let lag = Number.NaN;
  while (Date.now() < deadline) {
    lag = await groupLag(admin, groupId, topic);
    if (lag === 0) return { workload: pids.map(processStats), redis: statsOf(redisChild) };
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`--drain: the group ${groupId} still had a lag of ${lag} after 15 minutes`);
}

function statsOf(child: ChildProcess | undefined): ProcessStats | undefined {
  return child?.pid ? processStats(child.pid) : undefined;
}

function report(): void {
  mkdirSync(args.out, { recursive: true });
  const base = join(args.out, `${workloadName}-${runId}`);
  const sustained = results.filter((r) => r.sustained).at(-1);
  const unsustained = results.find((r) => !r.sustained);
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ workload: workloadName, format, keys, partitions, instances, warmupSec, durationSec, brokers: args['kafka-brokers'] ? 'external' : 'embedded', results }, null, 2)}\n`,
  );
  const series = [
    sustained && {
      label: `${sustained.load} msg/s sustained (slope ${sustained.slope.toFixed(0)}/s)`,
      samples: sustained.samples,
      colour: '#1f77b4',
    },
    unsustained && {
      label: `${unsustained.load} msg/s not sustained (slope ${unsustained.slope.toFixed(0)}/s)`,
      samples: unsustained.samples,
      colour: '#d62728',
    },
  ].filter((s) => !!s);
  writeFileSync(`${base}.svg`, lagPlotSvg(`${workloadName}: consumer lag`, series, warmupSec));
  console.log(
    `\nhighest sustained load: ${sustained ? `${sustained.load} msg/s` : 'none'}; results: ${base}.json, plot: ${base}.svg`,
  );
  console.log(
    '\n| load (msg/s) | sustained | lag slope (rec/s) | consumed (msg/s) | workload CPU µs/record | workload CPU s | generator CPU s | broker CPU s | CQL server CPU s | redis CPU s | keys offered | workload peak RSS MiB | redis-server peak RSS MiB |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results)
    console.log(
      `| ${r.load} | ${r.sustained ? 'yes' : 'no'} | ${r.slope.toFixed(1)} | ${consumedRate(r).toFixed(0)} | ${r.workload.cpuMicrosPerRecord.toFixed(2)} | ${r.workload.cpuSeconds.toFixed(1)} | ${r.generator.cpuSeconds.toFixed(1)} | ${r.broker?.cpuSeconds.toFixed(1) ?? '-'} | ${r.cqlServer?.cpuSeconds.toFixed(1) ?? '-'} | ${r.redis?.cpuSeconds.toFixed(1) ?? '-'} | ${r.keysOffered} | ${r.workload.peakRssMiB.toFixed(0)} | ${r.redis?.peakRssMiB.toFixed(0) ?? '-'} |`,
    );
}
