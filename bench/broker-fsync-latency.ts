import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBrokerProcess as startBrokerAt, stopBrokerProcess } from './lib/broker-process.js';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

const SENDS = Number(process.argv[2] ?? 300);
const CONCURRENT = 8;

function startBrokerProcess(dataDir: string, fsync: string) {
  return startBrokerAt(dataDir, ['--fsync', fsync]);
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
  await stopBrokerProcess(child);
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
