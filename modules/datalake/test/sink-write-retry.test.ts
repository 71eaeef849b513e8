import { S3Client } from '@aws-sdk/client-s3';
import {
  type Metric,
  type SinkAlert,
  SinkFailureTracker,
  formatMetricKey,
  metricJsonSerde,
} from '@meterstream/common';
import {
  type BatchControl,
  PartitionWriter,
  type PartitionWriterContext,
  createMetricDecoder,
  sinkMetrics,
} from '@meterstream/datalake';
import { BUCKET, type TestLake, startTestLake, testLogger } from '@meterstream/test-support';
import type { KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlakyS3Proxy, startFlakyS3Proxy } from './helpers/flaky-s3-proxy.js';
import { readLake } from './helpers/lake-contents.js';
import { sampleMetrics } from './helpers/metrics.js';

// The S3 sink's partition writer against an S3 endpoint answering 503 (a proxy in front of the
// embedded S3 server, over TCP): a transient failure is retried, a persistent one re-reads the
// segment (the lake never misses what the speed layer aggregated) and raises a sink alert.

const TOPIC = 'metrics-retry';
let lake: TestLake;
let proxy: FlakyS3Proxy;
let s3: S3Client;
beforeAll(async () => {
  lake = await startTestLake();
  proxy = await startFlakyS3Proxy(lake.server.endpoint);
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: proxy.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: lake.settings.accessKeyId, secretAccessKey: lake.settings.secretAccessKey },
    // The SDK's own retries off: the sink's policy is what is under test.
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  s3?.destroy();
  await proxy?.close();
  await lake?.close();
});

function createWriter(partition: number) {
  const calls = { commits: [] as number[], seeks: [] as number[], alerts: [] as SinkAlert[] };
  const metrics = sinkMetrics(new Registry());
  const context: PartitionWriterContext = {
    topic: TOPIC,
    groupId: 'retry-test',
    deadLetterTopic: 'metrics-dlq',
    policy: { maxRecords: 100, maxBytes: 1 << 30, maxAgeMs: 60_000 },
    s3,
    bucket: BUCKET,
    decoder: createMetricDecoder('json', null),
    logger: testLogger(),
    metrics,
    stats: { recordsArchived: 0, deadLetters: 0, objectsWritten: 0, segmentsWritten: 0, committed: {} },
    retry: { retries: 3, initialBackoffMs: 10, maxBackoffMs: 40, alertAfterFailures: 2 },
    failures: new SinkFailureTracker('retry-test', 2),
    group: {
      async commit(_partition, offset) {
        calls.commits.push(offset);
      },
      isCommitted: async (_partition, offset) => calls.commits.some((c) => c >= offset),
      sendDeadLetters: async () => undefined,
      seek: (_partition, offset) => void calls.seeks.push(offset),
      async sendAlert(alert) {
        calls.alerts.push(alert);
      },
    },
  };
  return { writer: new PartitionWriter(context, partition), calls, metrics };
}

function messages(list: Metric[], firstOffset: number): KafkaMessage[] {
  return list.map((metric, i) => ({
    key: Buffer.from(formatMetricKey(metric)),
    value: metricJsonSerde.serialize(metric),
    timestamp: '0',
    attributes: 0,
    offset: String(firstOffset + i),
    headers: {},
  }));
}

async function take(writer: PartitionWriter, batch: KafkaMessage[]): Promise<void> {
  const control: BatchControl = {
    stale: () => false,
    heartbeat: async () => undefined,
    backOff: async (_offset, error) => {
      throw error;
    },
    taken: () => undefined,
  };
  await writer.exclusive(() => writer.take(batch, control));
}

async function offsetsInLake(partition: number): Promise<number[]> {
  const objects = await readLake(lake.s3, BUCKET);
  return objects
    .flatMap((object) => object.rows)
    .filter((row) => row.partition === partition)
    .map((row) => row.offset)
    .sort((a, b) => a - b);
}

const counter = async (metrics: ReturnType<typeof sinkMetrics>, name: 'writeRetries' | 'writeFailures') =>
  (await metrics[name].get()).values.reduce((sum, v) => sum + v.value, 0);

const input = () =>
  messages(
    sampleMetrics({ gateways: 1, start: Date.UTC(2026, 1, 1), steps: 1, stepMs: 60_000, seed: 7 }).slice(
      0,
      2,
    ),
    0,
  );

describe('S3 sink write retries (S3 answering 503)', () => {
  it('retries a transient failure with backoff and writes the segment once', async () => {
    const { writer, calls, metrics } = createWriter(1);
    await take(writer, input());
    // The segment is open; its write (at finish) meets two 503 answers.
    const before = proxy.refused;
    proxy.failNext(2);
    await writer.exclusive(() => writer.finish());
    expect(proxy.refused - before).toBe(2);
    expect(await counter(metrics, 'writeRetries')).toBe(2);
    expect(await counter(metrics, 'writeFailures')).toBe(0);
    expect(calls.seeks).toEqual([]);
    expect(calls.commits).toEqual([2]);
    expect(calls.alerts).toEqual([]);
    expect(await offsetsInLake(1)).toEqual([0, 1]);
  });

  it('after the retries, re-reads the segment; consecutive failures raise sink-failing, a success sink-recovered', async () => {
    const { writer, calls, metrics } = createWriter(2);
    for (let round = 1; round <= 3; round++) {
      expect(writer.admits(0)).toBe(true); // the re-delivery after the rewind
      await take(writer, input());
      proxy.failing = true; // the segment's write (at finish) meets an outage
      try {
        await expect(writer.exclusive(() => writer.finish())).rejects.toThrow();
      } finally {
        proxy.failing = false;
      }
      expect(calls.seeks).toHaveLength(round);
    }
    // 3 given-up writes of 4 attempts each; one alert, at the 2nd.
    expect(await counter(metrics, 'writeFailures')).toBe(3);
    expect(await counter(metrics, 'writeRetries')).toBe(9);
    expect(calls.seeks).toEqual([0, 0, 0]);
    expect(calls.commits).toEqual([]);
    expect(calls.alerts.map((a) => [a.type, a.details.consecutiveFailures])).toEqual([['sink-failing', 2]]);
    expect(calls.alerts[0]).toMatchObject({ sink: 'retry-test', details: { topic: TOPIC, partition: 2 } });
    expect(calls.alerts[0]!.reason).toMatch(/ServiceUnavailable|injected outage|503/);

    // The endpoint is back: the segment is written once, nothing lost, and the alert is lifted.
    expect(writer.admits(0)).toBe(true);
    await take(writer, input());
    await writer.exclusive(() => writer.finish());
    expect(calls.commits).toEqual([2]);
    expect(calls.alerts.map((a) => a.type)).toEqual(['sink-failing', 'sink-recovered']);
    expect(await offsetsInLake(2)).toEqual([0, 1]);
  });
});
