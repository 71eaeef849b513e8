import {
  DEAD_LETTER_TOPIC,
  type MeterstreamConfig,
  type Metric,
  createSchemaRegistry,
  formatMetricKey,
  metricRegistrySerde,
} from '@meterstream/common';
import { type RollPolicy, type RunningS3Sink, runS3Sink } from '@meterstream/datalake';
import type { IHeaders } from 'kafkajs';
import { applyMigrations } from '@meterstream/persistence';
import {
  type TestCassandra,
  type TestKafka,
  type TestLake,
  caughtUp,
  startTestCassandra,
  startTestKafka,
  startTestLake,
  testConfig,
  waitFor,
  testLogger,
} from '@meterstream/test-support';
import { type RunningAggregator, startAggregator } from '../../src/apps/aggregator.js';
import { type RunningCassandraWriter, startCassandraWriter } from '../../src/apps/cassandra-writer.js';

export const WINDOW = 60;
export const PARTITIONS = 4;
export const AGGREGATOR_APP = `meterstream-aggregator-${WINDOW}`;
export const SINK_GROUP = 'meterstream-sink-s3';
export const WRITER_GROUP = `meterstream-cassandra-writer-${WINDOW}`;

/** The embedded broker + registry, S3 and CQL servers, with the topics `topics create` makes. */
export interface PipelineStack {
  kafka: TestKafka;
  lake: TestLake;
  cql: TestCassandra;
  config: MeterstreamConfig;
  close(): Promise<void>;
}

export async function startPipelineStack(): Promise<PipelineStack> {
  const [kafka, lake, cql] = await Promise.all([
    startTestKafka(),
    startTestLake(),
    startTestCassandra((client) => applyMigrations(client, { keyspace: 'metrics' })),
  ]);
  await kafka.admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: 'metrics', numPartitions: PARTITIONS },
      { topic: `metrics-aggregates-${WINDOW}`, numPartitions: PARTITIONS },
      { topic: DEAD_LETTER_TOPIC, numPartitions: 1 },
    ],
  });
  const config = testConfig({
    s3: lake.settings,
    brokers: [kafka.broker.bootstrap],
    registryUrl: kafka.registry.url,
    cassandra: cql.contactPoints,
  });
  return {
    kafka,
    lake,
    cql,
    config,
    async close() {
      await Promise.all([kafka.close(), lake.close(), cql.close()]);
    },
  };
}

/** The speed layer (aggregator, Cassandra writer) and the S3 sink, in-process, as `meterstream` runs them. */
export interface PipelineApps {
  aggregator: RunningAggregator;
  writer: RunningCassandraWriter;
  sink: RunningS3Sink;
  stop(): Promise<void>;
}

/**
 * `input`: what the aggregator and the S3 sink read — the raw `metrics` or the quality stage's
 * `metrics-clean`, both Avro through the registry, as `npm run demo -- --input` picks.
 */
export async function startPipelineApps(
  stack: PipelineStack,
  roll: Partial<RollPolicy>,
  input: 'metrics' | 'metrics-clean' = 'metrics',
): Promise<PipelineApps> {
  const logger = testLogger('pipeline');
  const config = { ...stack.config, logLevel: 'silent' as const };
  const aggregator = await startAggregator({
    config,
    logger,
    sourceTopic: input,
    windowsSec: [WINDOW],
    // The sample readings of a step lie anywhere in it (5 min at most): within the grace, none is late.
    graceSec: 600,
    inputFormat: 'avro',
    processingGuarantee: 'exactly_once_v2',
    commitIntervalMs: 200,
    sessionTimeoutMs: 10_000,
    metricsPort: 0,
  });
  const writer = await startCassandraWriter({ config, logger, window: WINDOW, sessionTimeoutMs: 10_000 });
  const sink = await runS3Sink({
    config,
    logger,
    roll,
    sessionTimeoutMs: 10_000,
    topic: input,
  });
  let stopped: Promise<void> | undefined;
  return {
    aggregator,
    writer,
    sink,
    stop() {
      stopped ??= (async () => {
        await Promise.all([aggregator.close(), writer.stop(), sink.stop().catch(() => undefined)]);
      })();
      return stopped;
    },
  };
}

export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  partition?: number;
}

/** Publishes raw records in order (keyed records land by the default partitioner, as the replay's). */
export async function publishRaw(stack: PipelineStack, records: RawRecord[]): Promise<void> {
  const producer = stack.kafka.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 2000)
      await producer.send({ topic: 'metrics', acks: -1, messages: records.slice(i, i + 2000) });
  } finally {
    await producer.disconnect();
  }
}

/** The replay publisher's encoding: Confluent-framed Avro under `metrics-value`, keyed by series. */
export async function metricEncoder(stack: PipelineStack) {
  const serde = metricRegistrySerde({
    url: stack.kafka.registry.url,
    subject: 'metrics-value',
    registry: createSchemaRegistry(stack.kafka.registry.url),
  });
  return {
    schemaId: await serde.schemaId(),
    async encode(metric: Metric): Promise<RawRecord> {
      return { key: Buffer.from(formatMetricKey(metric)), value: await serde.serialize(metric) };
    },
  };
}

/**
 * One valid reading per partition at `at`: advances every aggregator task's stream time so each
 * window before it (minus the grace) closes, as the demo's second replay does.
 */
export async function tickRecords(stack: PipelineStack, at: number): Promise<RawRecord[]> {
  const { encode } = await metricEncoder(stack);
  const tick: Metric = {
    gateway: 'tick',
    metricType: 'GAS',
    metricAttribute: 'GAS_IDD',
    timestamp: at,
    value: 0,
  };
  const record = await encode(tick);
  return Array.from({ length: PARTITIONS }, (_, partition) => ({ ...record, partition }));
}

/** Waits until the group has committed the end of every partition of the topic. */
export async function waitCaughtUp(stack: PipelineStack, groupId: string, topic: string): Promise<void> {
  await waitFor(
    `${groupId} to commit the end of ${topic}`,
    () => caughtUp(stack.kafka.admin, groupId, topic),
    90_000,
  );
}

export interface DeadLetterRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Every record of `metrics-dlq` (read committed, one partition), read up to the topic's end offset
 * as it is once at least `atLeast` letters arrived: a letter more than expected shows up.
 */
export async function readDeadLetters(stack: PipelineStack, atLeast: number): Promise<DeadLetterRecord[]> {
  const consumer = stack.kafka.kafka.consumer({ groupId: `dlq-reader-${Date.now()}` });
  const letters: DeadLetterRecord[] = [];
  let position = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: DEAD_LETTER_TOPIC, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {}))
          if (value !== undefined) headers[name] = String(value);
        letters.push({ key: message.key, value: message.value, headers });
      }
      // Past the batch, including transaction markers after its last record.
      position = Math.max(position, Number(batch.lastOffset()) + 1);
    },
  });
  try {
    await waitFor(`${atLeast} dead letters`, async () => letters.length >= atLeast, 60_000);
    const [end] = await stack.kafka.admin.fetchTopicOffsets(DEAD_LETTER_TOPIC);
    await waitFor('the dead-letter topic read to its end', async () => position >= Number(end!.high), 30_000);
  } finally {
    await consumer.disconnect();
  }
  return letters;
}
