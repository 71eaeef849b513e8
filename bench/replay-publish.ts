/**
 * Replay publisher throughput: the UCI sample (15,920 readings × 4 attributes) fanned out to 100
 * gateways (6.37M messages), published at unlimited rate with Avro via the Schema Registry, against
 * a raw kafkajs producer sending the same messages, pre-built (keys and values already encoded),
 * in the same run, to the same broker. The broker (and its Schema Registry) runs in its own process.
 *
 * Two raw baselines: sequential sendBatch calls (the stock way that keeps each key's order), and 4
 * sendBatch calls in flight (faster, but kafkajs may then reorder a key's messages). The target is
 * set against the faster of the two.
 *
 *   npx tsx bench/replay-publish.ts [gateways=100] [maxMessages=all]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger, loadConfig, metricRegistrySerde } from '../modules/common/src/index.js';
import {
  type EncodedMessage,
  createMetricEncoder,
  ensureTopic,
  fanOutRow,
  openDataset,
  runReplay,
} from '../modules/replay/src/index.js';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startBrokerProcess, stopBrokerProcess } from './lib/broker-process.js';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

const GATEWAYS = Number(process.argv[2] ?? 100);
const MAX_MESSAGES = process.argv[3] === undefined ? Number.POSITIVE_INFINITY : Number(process.argv[3]);
/** Raw baseline batch: 1000 messages over 4 partitions, i.e. ~250 per partition like the publisher's. */
const RAW_BATCH = 1000;
const root = resolve(import.meta.dirname, '..');
const UCI = resolve(root, '../shared/datasets/uci/household_power_consumption.txt');

async function prebuild(schemaId: number): Promise<EncodedMessage[]> {
  const encode = createMetricEncoder('avro-registry', schemaId);
  const out: EncodedMessage[] = [];
  for await (const row of openDataset(UCI, { type: 'electricity' })) {
    for (const metric of fanOutRow(row, 'ELECTRICITY', { from: 0, to: GATEWAYS - 1 })) {
      if (out.length >= MAX_MESSAGES) return out;
      out.push(encode(metric));
    }
  }
  return out;
}

/** A raw baseline: stock kafkajs producer, sendBatch of RAW_BATCH messages, `inFlight` at a time. */
async function raw(
  kafka: Kafka,
  topic: string,
  messages: EncodedMessage[],
  inFlight: number,
): Promise<number> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const started = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < messages.length; i += RAW_BATCH) {
    if (pending.length >= inFlight) await pending.shift();
    pending.push(
      producer.sendBatch({
        topicMessages: [{ topic, messages: messages.slice(i, i + RAW_BATCH) }],
        acks: -1,
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = performance.now() - started;
  await producer.disconnect();
  return elapsed;
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
const broker = await startBrokerProcess(dataDir, ['--default-partitions', '4', '--fsync', 'write'], {
  registry: true,
});
try {
  const bootstrap = `127.0.0.1:${broker.port}`;
  const registryUrl = `http://127.0.0.1:${broker.registryPort}`;
  const config = loadConfig({ 'kafka-brokers': bootstrap, 'schema-registry-url': registryUrl }, {});
  const logger = createLogger('bench', 'warn');
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench', logLevel: logLevel.WARN });
  await ensureTopic(kafka, 'bench-raw-sequential', 4);
  await ensureTopic(kafka, 'bench-raw-pipelined', 4);

  // 1. the replay publisher, exactly as `meterstream replay --rate 0` runs it
  const ours = await runReplay({
    config,
    logger,
    topic: 'bench-replay',
    format: 'avro',
    dataset: UCI,
    type: 'electricity',
    gateways: { from: 0, to: GATEWAYS - 1 },
    rate: 0,
    messageCount: Number.isFinite(MAX_MESSAGES) ? MAX_MESSAGES : undefined,
    tty: false,
  });
  const oursRate = ours.published / (ours.elapsedMs / 1000);
  console.log(
    `replay publisher: ${ours.published} messages in ${(ours.elapsedMs / 1000).toFixed(2)} s = ${Math.round(oursRate)} msg/s`,
  );

  // 2. raw kafkajs with the same messages, encoded beforehand (not timed)
  const schemaId = await metricRegistrySerde({ url: registryUrl, subject: 'bench-replay-value' }).schemaId();
  const messages = await prebuild(schemaId);
  const sequentialMs = await raw(kafka, 'bench-raw-sequential', messages, 1);
  const pipelinedMs = await raw(kafka, 'bench-raw-pipelined', messages, 4);
  const rate = (ms: number) => messages.length / (ms / 1000);
  const rawRate = Math.max(rate(sequentialMs), rate(pipelinedMs));
  for (const [name, ms] of [
    ['raw sequential', sequentialMs],
    ['raw 4 in flight', pipelinedMs],
  ] as const) {
    console.log(
      `${name}: ${messages.length} messages in ${(ms / 1000).toFixed(2)} s = ${Math.round(rate(ms))} msg/s`,
    );
  }
  const ratio = oursRate / rawRate;
  console.log(`ratio: ${(100 * ratio).toFixed(1)} % of the faster raw producer (target >= 80 %)`);

  const command = `npx tsx bench/replay-publish.ts ${GATEWAYS}${Number.isFinite(MAX_MESSAGES) ? ` ${MAX_MESSAGES}` : ''}`;
  const row = (name: string, n: number, ms: number) => [
    name,
    n,
    (ms / 1000).toFixed(2),
    Math.round(n / (ms / 1000)),
    (n / (ms / 1000) / rawRate).toFixed(2),
  ];
  writeBenchmarkSection(
    'replay-publish',
    'Replay publisher vs raw kafkajs producer',
    `Command: \`${command}\` (needs \`npx tsc -b modules/broker\` first: the broker runs from its dist/ in its own ` +
      'process, 4 partitions, `--fsync write`).\n\n' +
      `The UCI sample (15,920 readings × 4 attributes) fanned out to ${GATEWAYS} gateways, unlimited rate, acks=-1, ` +
      'Avro with Confluent framing (Schema Registry). The replay publisher reads, parses, fans out and encodes ' +
      'while it sends, partitions itself and keeps one request per partition in flight (order per key kept). ' +
      `The raw producers send the same messages, encoded beforehand (untimed), in sendBatch calls of ${RAW_BATCH} ` +
      'with the stock kafkajs producer: one call at a time (keeps order), or 4 in flight (may reorder a key). ' +
      'Ratios are against the faster raw producer.\n\n' +
      markdownTable(
        ['side', 'messages', 'seconds', 'msg/s', 'ratio'],
        [
          row('raw kafkajs, sequential sendBatch', messages.length, sequentialMs),
          row('raw kafkajs, 4 sendBatch in flight', messages.length, pipelinedMs),
          row('replay publisher', ours.published, ours.elapsedMs),
        ],
      ) +
      `\n\nTarget: ≥ 0.80 of the raw producer. ${ratio >= 0.8 ? 'Met' : 'Not met'} (${ratio.toFixed(2)}). ` +
      'Why the publisher can beat "raw": the raw side holds every pre-built message in memory at once ' +
      '(6.37M messages, over a GB of heap), which costs it garbage-collection time, and the stock partitioner ' +
      'hashes every message, where the publisher hashes each key once. The three runs are sequential, not ' +
      'interleaved, on a machine (2 cores) shared with other jobs (load average 10–15 during this run), so ' +
      'absolute rates are noisy and the ratio is only indicative.',
  );
} finally {
  await stopBrokerProcess(broker.child);
  rmSync(dataDir, { recursive: true, force: true });
}
