/**
 * What the default durability policy costs a producer that waits for each acknowledgement:
 * sequential single-record kafkajs sends with acks=-1 against a broker process started with
 * `--fsync fsync` (answer after a grouped fdatasync) and with `--fsync write` (answer after
 * write(2)); the `write` run is the baseline. Also 8 concurrent senders, to show fsyncs being
 * shared (group commit): their per-send latency stays close to the sequential one.
 *
 *   npx tsc -b modules/broker && npx tsx bench/broker-fsync-latency.ts [sends]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

const SENDS = Number(process.argv[2] ?? 300);
const CONCURRENT = 8;

async function startBrokerProcess(
  dataDir: string,
  fsync: string,
): Promise<{ child: ChildProcess; port: number }> {
  const main = resolve(import.meta.dirname, '../modules/broker/dist/main.js');
  const child = spawn(
    process.execPath,
    [main, '--port', '0', '--data-dir', dataDir, '--fsync', fsync, '--schema-registry-port', 'off'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  return new Promise((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"event":"listening"'));
      if (line) res({ child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.on('exit', (code) => rej(new Error(`broker exited ${code}`)));
  });
}

interface Result {
  sequentialMs: number;
  concurrentMs: number;
  concurrentRate: number;
}

async function measure(fsync: string): Promise<Result> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-fsync-'));
  const { child, port } = await startBrokerProcess(dataDir, fsync);
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], clientId: 'lat', logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'lat', acks: -1, messages: [{ value: 'warm-up' }] });
  let t0 = performance.now();
  for (let i = 0; i < SENDS; i++)
    await producer.send({ topic: 'lat', acks: -1, messages: [{ value: `s${i}` }] });
  const sequentialMs = (performance.now() - t0) / SENDS;
  // several producers at once: their appends share write and fsync rounds
  const producers = await Promise.all(
    Array.from({ length: CONCURRENT }, async () => {
      const p = kafka.producer();
      await p.connect();
      return p;
    }),
  );
  const latencies: number[] = [];
  t0 = performance.now();
  await Promise.all(
    producers.map(async (p, n) => {
      for (let i = 0; i < SENDS / CONCURRENT; i++) {
        const s = performance.now();
        await p.send({ topic: 'lat', acks: -1, messages: [{ value: `c${n}-${i}` }] });
        latencies.push(performance.now() - s);
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  for (const p of [producer, ...producers]) await p.disconnect();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
  return {
    sequentialMs,
    concurrentMs: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    concurrentRate: latencies.length / wall,
  };
}

async function main(): Promise<void> {
  const load = loadavg()[0];
  const write = await measure('write');
  const fsync = await measure('fsync');
  const f = (n: number) => n.toFixed(2);
  const table = markdownTable(
    ['policy', 'sequential send ms', `${CONCURRENT} concurrent senders: ms per send`, 'sends/s (concurrent)'],
    [
      [
        '`--fsync write` (baseline)',
        f(write.sequentialMs),
        f(write.concurrentMs),
        Math.round(write.concurrentRate),
      ],
      [
        '`--fsync fsync` (default)',
        f(fsync.sequentialMs),
        f(fsync.concurrentMs),
        Math.round(fsync.concurrentRate),
      ],
      [
        'ratio fsync / write',
        f(fsync.sequentialMs / write.sequentialMs),
        f(fsync.concurrentMs / write.concurrentMs),
        f(fsync.concurrentRate / write.concurrentRate),
      ],
    ],
  );
  const body = `Command: \`npx tsc -b modules/broker && npx tsx bench/broker-fsync-latency.ts ${SENDS}\`

${SENDS} single-record kafkajs sends with acks=-1, first one after the other, then spread over ${CONCURRENT} producers
sending at once; broker in its own process with each durability policy. Baseline: \`--fsync write\` in the
same run. The machine was shared with other work (1-minute load average ${load.toFixed(1)}), so figures are noisy.

${table}
`;
  writeBenchmarkSection('broker-fsync-latency', 'Broker: cost of the fsync durability policy', body);
  console.log(body);
}

await main();
