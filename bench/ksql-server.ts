/**
 * The ksqlDB-compatible server under load:
 *   - pull-query latency: key lookups on a 1-minute windowed CTAS at a fixed rate while a replay
 *     feeds it at a fixed rate, p50 / p99, against the same server's GET /healthcheck round trip
 *     measured the same way in the same run (the HTTP cost alone);
 *   - push-query throughput: `SELECT * FROM metrics EMIT CHANGES LIMIT N` from the earliest offset
 *     over /query-stream, against `meterstream consume --from-beginning --max-messages N` on the same
 *     topic (records/s from the request / the process start to the N-th record, both processes).
 * Broker (with its Schema Registry) and ksql-server each run in their own process, as in `up`.
 *
 *   npx tsc -b && node --import tsx bench/ksql-server.ts [records=200000] [keys=1000] [lookups/s=50] [seconds=20]
 *
 * BENCH_REPLAY_RATE (default 5000 msg/s) sets the replay fed while pull queries run; 0 runs them on
 * an idle query. The section in docs/benchmarks.md is written for the default only.
 * BENCH_CPU_PROF=<dir> runs the server with `node --cpu-prof` into <dir> (written when it stops);
 * `node scripts/lib/cpuprofile-top.ts <file>` sums its self time per function.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startKsqlServerProcess } from '../modules/cli/src/stack/ksql-server-process.js';
import { startBrokerProcess, stopBrokerProcess } from './lib/broker-process.js';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

const RECORDS = Number(process.argv[2] ?? 200_000);
const KEYS = Number(process.argv[3] ?? 1000);
const LOOKUP_RATE = Number(process.argv[4] ?? 50);
const SECONDS = Number(process.argv[5] ?? 20);
/** msg/s fed during the pull measurement; BENCH_REPLAY_RATE=0 measures pull queries on an idle query. */
const REPLAY_RATE = Number(process.env.BENCH_REPLAY_RATE ?? 5000);
const root = resolve(import.meta.dirname, '..');
const CLI = join(root, 'modules/cli/dist/main.js');
const BASE = Date.UTC(2024, 0, 1);

const message = (i: number) => {
  const key = `${i % KEYS}.ELECTRICITY.ACTIVE_POWER`;
  const timestamp = BASE + Math.floor(i / KEYS) * 1000;
  return {
    key,
    value: JSON.stringify({ gateway: String(i % KEYS), value: (i % 997) / 10 }),
    timestamp: String(timestamp),
  };
};

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const accept = url.endsWith('/ksql')
    ? 'application/vnd.ksql.v1+json'
    : 'application/vnd.ksqlapi.delimited.v1';
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Calls `call` LOOKUP_RATE times a second for SECONDS, each timed; returns sorted latencies (ms). */
async function atFixedRate(call: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const total = LOOKUP_RATE * SECONDS;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / LOOKUP_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      (async () => {
        const t0 = performance.now();
        await call(i);
        latencies.push(performance.now() - t0);
      })(),
    );
  }
  await Promise.all(pending);
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ksql-server-'));
  const broker = await startBrokerProcess(join(dir, 'kafka'), ['--default-partitions', '4'], {
    registry: true,
  });
  const brokers = `127.0.0.1:${broker.port}`;
  const env = {
    METERSTREAM_KAFKA_BROKERS: brokers,
    METERSTREAM_SCHEMA_REGISTRY_URL: `http://127.0.0.1:${broker.registryPort}`,
    METERSTREAM_DATA_DIR: join(dir, 'ksql'),
    METERSTREAM_LOG_LEVEL: 'warn',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  };
  const profileDir = process.env.BENCH_CPU_PROF;
  const server = await startKsqlServerProcess({
    cliMain: CLI,
    port: 0,
    env,
    stderr: () => {},
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const kafka = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'metrics', numPartitions: 4 }] });
    await admin.disconnect();
    // the backlog the push side reads, produced before anything runs
    for (let i = 0; i < RECORDS; i += 5000) {
      const batch = [];
      for (let j = i; j < Math.min(RECORDS, i + 5000); j++) batch.push(message(j));
      await producer.send({ topic: 'metrics', messages: batch });
    }
    const ksql = await post(`${server.url}/ksql`, {
      ksql: `CREATE STREAM metrics (metric_key STRING KEY, gateway STRING, value DOUBLE) WITH (KAFKA_TOPIC='metrics', VALUE_FORMAT='JSON');
        CREATE TABLE agg_1m AS SELECT metric_key, COUNT(*) AS n, AVG(value) AS average FROM metrics
          WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY metric_key EMIT CHANGES;`,
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    });
    if (ksql.status !== 200) throw new Error(`statements failed: ${ksql.text}`);

    // --- push throughput: the ksql server against `meterstream consume` ---
    const pushStart = performance.now();
    const push = await post(`${server.url}/query-stream`, {
      sql: `SELECT * FROM metrics EMIT CHANGES LIMIT ${RECORDS};`,
      properties: { 'auto.offset.reset': 'earliest' },
    });
    const pushMs = performance.now() - pushStart;
    const pushRows = push.text.trim().split('\n').length - 1;
    const consumeStart = performance.now();
    await new Promise<void>((res, rej) => {
      const child = spawn(
        process.execPath,
        [CLI, 'consume', '--topic', 'metrics', '--from-beginning', '--max-messages', String(RECORDS)],
        {
          stdio: ['ignore', 'ignore', 'ignore'],
          env: { ...process.env, ...env },
        },
      );
      child.once('exit', (code) => (code === 0 ? res() : rej(new Error(`consume exited ${code}`))));
    });
    const consumeMs = performance.now() - consumeStart;

    // --- pull latency while a replay feeds the CTAS at a fixed rate ---
    let feeding = REPLAY_RATE > 0;
    const feeder = (async () => {
      let i = RECORDS;
      while (feeding) {
        const t0 = performance.now();
        const batch = [];
        for (let j = 0; j < REPLAY_RATE / 10; j++) batch.push(message(i++));
        await producer.send({ topic: 'metrics', messages: batch });
        const wait = 100 - (performance.now() - t0);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    })();
    const health = await atFixedRate(async () => {
      const res = await fetch(`${server.url}/healthcheck`);
      await res.text();
    });
    const pull = await atFixedRate(async (i) => {
      const res = await post(`${server.url}/query-stream`, {
        sql: `SELECT * FROM agg_1m WHERE metric_key = '${i % KEYS}.ELECTRICITY.ACTIVE_POWER';`,
      });
      if (res.status !== 200) throw new Error(`pull failed: ${res.text}`);
    });
    feeding = false;
    await feeder;

    const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en')} rec/s`;
    const pushTable = markdownTable(
      ['side', 'records', 'time', 'rate', 'vs baseline'],
      [
        [
          '`meterstream consume` (baseline)',
          RECORDS,
          `${(consumeMs / 1000).toFixed(1)} s`,
          rate(RECORDS, consumeMs),
          '100 %',
        ],
        [
          'push query over /query-stream',
          pushRows,
          `${(pushMs / 1000).toFixed(1)} s`,
          rate(pushRows, pushMs),
          `${Math.round((consumeMs / pushMs) * 100)} %`,
        ],
      ],
    );
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const pullTable = markdownTable(
      ['request', 'count', 'p50', 'p99', 'p50 vs baseline', 'p99 vs baseline'],
      [
        [
          'GET /healthcheck (baseline)',
          health.length,
          ms(percentile(health, 50)),
          ms(percentile(health, 99)),
          '1.0×',
          '1.0×',
        ],
        [
          'pull query: key lookup on the windowed CTAS',
          pull.length,
          ms(percentile(pull, 50)),
          ms(percentile(pull, 99)),
          `${(percentile(pull, 50) / percentile(health, 50)).toFixed(1)}×`,
          `${(percentile(pull, 99) / percentile(health, 99)).toFixed(1)}×`,
        ],
      ],
    );
    const command = `node --import tsx bench/ksql-server.ts ${RECORDS} ${KEYS} ${LOOKUP_RATE} ${SECONDS}`;
    const body = `Command: \`npx tsc -b && ${command}\`

Broker (with its Schema Registry) and \`meterstream ksql-server\` in their own processes, the bench's
clients in a third. ${RECORDS.toLocaleString('en')} JSON metrics over ${KEYS.toLocaleString('en')} keys in \`metrics\` (4 partitions).

**Push-query throughput**: \`SELECT * FROM metrics EMIT CHANGES LIMIT ${RECORDS}\` from the earliest offset over
\`/query-stream\` (newline-delimited, HTTP/1.1), timed from the request to the last row — the transient query's
start-up included — against \`meterstream consume --from-beginning --max-messages ${RECORDS}\` on the same topic,
timed from process start to exit.

${pushTable}

**Pull-query latency**: \`SELECT * FROM agg_1m WHERE metric_key = …\` (a 1-minute tumbling CTAS with COUNT and AVG)
at ${LOOKUP_RATE} lookups/s for ${SECONDS} s over keys in turn, while a replay feeds \`metrics\` at ${REPLAY_RATE.toLocaleString('en')} msg/s; the
baseline is \`GET /healthcheck\` on the same server at the same rate (the HTTP round trip alone).

${pullTable}`;
    if (process.env.BENCH_REPLAY_RATE === undefined)
      writeBenchmarkSection(
        'ksql-server',
        'ksqlDB-compatible server: push throughput and pull latency',
        body,
      );
    console.log(pushTable);
    console.log(pullTable);
  } finally {
    await producer.disconnect();
    await server.close();
    await stopBrokerProcess(broker.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
