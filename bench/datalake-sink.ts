/**
 * Batch-layer benchmark: S3 sink throughput (records/s from the `metrics` topic into
 * Parquet objects on the embedded S3, offsets committed) against a raw kafkajs eachBatch consume of
 * the same topic in the same run; and batch recompute throughput (records/s read from the lake,
 * folded, written to Cassandra).
 *
 *   npx tsc -b modules/datalake && npx tsx bench/datalake-sink.ts [--records 200000]
 *
 * The broker (with its Schema Registry), the CQL server and the S3 server run in their own
 * processes, as in the local stack; the sink, the raw consumer and the batch job run in this one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ATTRIBUTES_BY_TYPE,
  METRIC_TYPES,
  type Metric,
  type MetricIdentity,
  createSchemaRegistry,
  formatMetricKey,
  loadConfig,
  metricRegistrySerde,
  metricSyncRegistryReader,
} from '@meterstream/common';
import {
  aggregateMetrics,
  createS3Client,
  datesInRange,
  listRawObjects,
  mapBounded,
  readRawObject,
  runBatchJob,
  runS3Sink,
  sortByPartitionOffset,
} from '@meterstream/datalake';
import { applyMigrations } from '@meterstream/persistence';
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { register } from 'prom-client';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

const root = resolve(import.meta.dirname, '..');
const argRecords = process.argv.indexOf('--records');
const RECORDS = argRecords > 0 ? Number(process.argv[argRecords + 1]) : 200_000;
const TOPIC = 'metrics';
const BUCKET = 'meterstream';
const children: ChildProcess[] = [];

/** Runs a built entry point in a child process; resolves with its `{"event":"listening"}` line. */
function startProcess(args: string[]): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, LOG_LEVEL: 'warn', METERSTREAM_LOG_LEVEL: 'warn' },
  });
  children.push(child);
  return new Promise((resolveLine, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) resolveLine(JSON.parse(line) as Record<string, unknown>);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

/** Readings of 50 gateways × 8 attributes, one a minute, from 2006-12-16 on. */
function makeMetrics(count: number): Metric[] {
  const series: MetricIdentity[] = [];
  for (let g = 0; g < 50; g++)
    for (const metricType of METRIC_TYPES)
      for (const metricAttribute of ATTRIBUTES_BY_TYPE[metricType])
        series.push({ gateway: `gw-${g}`, metricType, metricAttribute });
  const start = Date.parse('2006-12-16T00:00:00Z');
  return Array.from({ length: count }, (_, i) => ({
    ...series[i % series.length]!,
    timestamp: start + Math.floor(i / series.length) * 60_000,
    value: ((i * 7919) % 100_000) / 37,
  }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-datalake-'));
  const broker = await startProcess([
    'modules/broker/dist/main.js',
    '--port',
    '0',
    '--data-dir',
    join(dir, 'kafka'),
    '--schema-registry-port',
    '0',
    '--fsync',
    'write',
  ]);
  const cql = await startProcess([
    'modules/cql-server/dist/main.js',
    '--port',
    '0',
    '--data-dir',
    join(dir, 'cql'),
    '--log-level',
    'warn',
  ]);
  const s3 = await startProcess([
    'modules/s3-server/dist/main.js',
    '--port',
    '0',
    '--data-dir',
    join(dir, 's3'),
    '--bucket',
    BUCKET,
    '--log-level',
    'warn',
  ]);
  const bootstrap = `127.0.0.1:${broker.port}`;
  const registryUrl = `http://127.0.0.1:${broker.schemaRegistryPort}`;
  const config = {
    ...loadConfig({}, {}),
    logLevel: 'warn' as const,
    kafka: { brokers: [bootstrap], clientId: 'bench' },
    schemaRegistryUrl: registryUrl,
    cassandra: {
      contactPoints: [`127.0.0.1:${cql.port}`],
      localDataCenter: 'datacenter1',
      keyspace: 'metrics',
    },
    s3: {
      endpoint: String(s3.endpoint),
      bucket: BUCKET,
      region: 'us-east-1',
      accessKeyId: 'meterstream',
      secretAccessKey: 'meterstream-secret',
      forcePathStyle: true,
    },
  };

  // Setup (not measured): RECORDS Avro metrics via the registry on a 4-partition topic.
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: TOPIC, numPartitions: 4 },
      { topic: `${TOPIC}-dlq`, numPartitions: 1 },
    ],
  });
  const serde = metricRegistrySerde({
    url: registryUrl,
    subject: `${TOPIC}-value`,
    registry: createSchemaRegistry(registryUrl),
  });
  const producer = kafka.producer();
  await producer.connect();
  const metrics = makeMetrics(RECORDS);
  for (let i = 0; i < metrics.length; i += 5000) {
    const messages = await Promise.all(
      metrics
        .slice(i, i + 5000)
        .map(async (m) => ({ key: formatMetricKey(m), value: await serde.serialize(m) })),
    );
    await producer.send({ topic: TOPIC, messages });
  }
  await producer.disconnect();
  console.log(`published ${RECORDS}`);

  // 1. Baseline: raw kafkajs eachBatch consume of the same topic (no decoding, no output); then the
  // same consume decoding every value with common's registry reader (the sink's first step).
  async function consumeAll(groupId: string, decode: boolean): Promise<number> {
    const reader = metricSyncRegistryReader(registryUrl);
    let seen = 0;
    const started = performance.now();
    const consumer = kafka.consumer({ groupId, maxBytes: 10 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await new Promise<void>((done) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          if (decode) {
            await reader.prefetch(batch.messages.map((m) => m.value));
            for (const m of batch.messages) reader.deserialize(m.value!);
          }
          seen += batch.messages.length;
          if (seen >= RECORDS) done();
        },
      });
    });
    const seconds = (performance.now() - started) / 1000;
    await consumer.disconnect();
    return seconds;
  }
  const rawBefore = await consumeAll('bench-raw', false);
  const decodeSeconds = await consumeAll('bench-decode', true);
  let t0 = performance.now();
  console.log(
    `raw consume: ${(RECORDS / rawBefore).toFixed(0)} records/s, with decoding ${(RECORDS / decodeSeconds).toFixed(0)}`,
  );

  // 2. The S3 sink: decode, Parquet, upload, commit — until every partition's end is committed.
  async function committedAll(): Promise<boolean> {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(TOPIC),
      admin.fetchOffsets({ groupId: 'bench-sink', topics: [TOPIC] }),
    ]);
    const byPartition = new Map(committed!.partitions.map((p) => [p.partition, p.offset]));
    return ends.every((e) => byPartition.get(e.partition) === e.high);
  }
  t0 = performance.now();
  const sink = await runS3Sink({
    config,
    groupId: 'bench-sink',
    topic: TOPIC,
    logger: pino({ level: 'warn' }),
    roll: { maxRecords: 25_000, maxAgeMs: 500 },
  });
  while (!(await committedAll())) await new Promise((r) => setTimeout(r, 50));
  const sinkSeconds = (performance.now() - t0) / 1000;
  await sink.stop();
  // The baseline again after the sink (the machine's load drifts): the faster of the two counts.
  const rawAfter = await consumeAll('bench-raw-after', false);
  const rawSeconds = Math.min(rawBefore, rawAfter);
  const stats = sink.stats();
  const flushMetric =
    (await register.getSingleMetric('meterstream_s3_sink_flush_seconds')?.get())?.values ?? [];
  const flushSeconds = flushMetric
    .filter((v) => (v as { metricName?: string }).metricName?.endsWith('_sum'))
    .reduce((n, v) => n + v.value, 0);
  console.log(
    `flush time (sum over partitions): ${flushSeconds.toFixed(2)} s of ${sinkSeconds.toFixed(2)} s`,
  );
  console.log(`sink: ${(RECORDS / sinkSeconds).toFixed(0)} records/s, ${stats.objectsWritten} objects`);

  // 3. Batch recompute: (a) lake read + fold only; (b) the whole job incl. Cassandra writes.
  const client = new cassandra.Client({
    contactPoints: config.cassandra.contactPoints,
    localDataCenter: 'datacenter1',
  });
  await applyMigrations(client, { keyspace: 'metrics' });
  const from = Date.parse('2006-12-16T00:00:00Z');
  const to =
    from + 86_400_000 * Math.ceil((metrics[metrics.length - 1]!.timestamp + 60_000 - from) / 86_400_000);
  const s3Client = createS3Client(config.s3);
  t0 = performance.now();
  const objects = await listRawObjects(s3Client, BUCKET, datesInRange(from, to));
  const rows = (await mapBounded(objects, 4, (o) => readRawObject(s3Client, BUCKET, o.key))).flat();
  const aggregates = aggregateMetrics(sortByPartitionOffset(rows), 3600, { from, to });
  const foldSeconds = (performance.now() - t0) / 1000;
  const job = await runBatchJob({
    config,
    cassandra: client,
    s3: s3Client,
    window: 3600,
    from,
    to,
    logger: pino({ level: 'warn' }),
  });
  const jobSeconds = job.durationMs / 1000;
  console.log(
    `batch: read+fold ${(rows.length / foldSeconds).toFixed(0)} records/s, job ${(job.recordsRead / jobSeconds).toFixed(0)} records/s`,
  );
  await client.shutdown();
  s3Client.destroy();
  await admin.disconnect();

  const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
  writeBenchmarkSection(
    'datalake-sink',
    'Batch layer: S3 sink and batch recompute',
    `Command: \`npx tsc -b modules/datalake modules/s3-server && npx tsx bench/datalake-sink.ts --records ${RECORDS}\`

${RECORDS.toLocaleString('en-US')} Avro metrics (Schema Registry framing) on a 4-partition topic of the embedded broker;
the broker, the CQL server and the S3 server (\`@meterstream/s3-server\`) run in their own processes, the consumers and the
batch job in the benchmark process. The machine was shared with other work while this ran, so
absolute figures are noisy (repeated runs varied by up to 2×); the ratios compare runs made one after
the other in the same process.

${markdownTable(
  ['run', 'records', 'seconds', 'records/s', 'vs raw consume'],
  [
    [
      `raw kafkajs eachBatch consume (baseline, no decoding; faster of the runs before and after the sink: ${rawBefore.toFixed(2)} s, ${rawAfter.toFixed(2)} s)`,
      RECORDS,
      rawSeconds.toFixed(2),
      rate(RECORDS, rawSeconds),
      '1.00',
    ],
    [
      'same consume + Avro decoding of every value (common registry reader)',
      RECORDS,
      decodeSeconds.toFixed(2),
      rate(RECORDS, decodeSeconds),
      (rawSeconds / decodeSeconds).toFixed(2),
    ],
    [
      `S3 sink (decode, Parquet, ${stats.objectsWritten} objects, commit)`,
      RECORDS,
      sinkSeconds.toFixed(2),
      rate(RECORDS, sinkSeconds),
      (rawSeconds / sinkSeconds).toFixed(2),
    ],
  ],
)}

Sink roll policy: 25,000 records per partition segment, 500 ms age; objects are split by metric type and date.
Flush time (marker, Parquet encoding, uploads, dead letters, commit), summed over the 4 concurrently
flushing partitions: ${flushSeconds.toFixed(2)} s of the sink's ${sinkSeconds.toFixed(2)} s.

${markdownTable(
  ['batch recompute (window 3600 s)', 'records', 'seconds', 'records/s'],
  [
    [
      `lake read (${objects.length} objects) + fold, no Cassandra`,
      rows.length,
      foldSeconds.toFixed(2),
      rate(rows.length, foldSeconds),
    ],
    [
      `whole job: read, fold, ${job.aggregatesWritten.toLocaleString('en-US')} upserts into batch_aggregates_3600, high-water mark`,
      job.recordsRead,
      jobSeconds.toFixed(2),
      rate(job.recordsRead, jobSeconds),
    ],
  ],
)}

(${aggregates.length.toLocaleString('en-US')} aggregates from the read+fold pass, ${job.aggregatesWritten.toLocaleString('en-US')} written by the job.)`,
  );
  rmSync(dir, { recursive: true, force: true });
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill('SIGTERM');
  });
