import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RunningBroker,
  type SchemaRegistryServer,
  startBroker,
  startSchemaRegistry,
} from '@meterstream/broker';
import {
  type Metric,
  aggregateJsonSerde,
  createLogger,
  formatMetricKey,
  loadConfig,
  metricRegistrySerde,
} from '@meterstream/common';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAggregator } from '../src/apps/aggregator.js';
import { referenceAggregates, windowKey } from './helpers/aggregation-workload.js';
import { waitFor } from './helpers/cli-process.js';

let broker: RunningBroker;
let registry: SchemaRegistryServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-agg-'));
  broker = await startBroker({
    port: 0,
    dataDir: join(dir, 'kafka'),
    logger: testLogger('broker'),
  });
  registry = await startSchemaRegistry({
    port: 0,
    dataDir: join(dir, 'registry'),
    logger: testLogger('registry'),
  });
});
afterAll(async () => {
  await registry?.close();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('aggregator app', () => {
  it('reads Confluent-framed Avro metrics through the Schema Registry and emits closed windows as JSON aggregates', async () => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: ['metrics', 'metrics-aggregates-60', 'metrics-aggregates-600'].map((topic) => ({
        topic,
        numPartitions: 4,
      })),
    });
    await admin.disconnect();
    const serde = metricRegistrySerde({ url: registry.url, subject: 'metrics-value' });
    const t0 = Date.UTC(2006, 11, 16, 17, 0);
    const metrics: Metric[] = [];
    for (let i = 0; i < 1200; i++) {
      for (const gateway of ['0', '1']) {
        metrics.push({
          gateway,
          metricType: 'WATER',
          metricAttribute: 'WATER_IDD',
          timestamp: t0 + i * 1000,
          value: (i % 13) - 4,
        });
      }
    }
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'metrics',
      messages: await Promise.all(
        metrics.map(async (m) => ({ key: formatMetricKey(m), value: await serde.serialize(m) })),
      ),
    });
    await producer.disconnect();

    const app = await startAggregator({
      config: loadConfig({ 'kafka-brokers': broker.bootstrap, 'schema-registry-url': registry.url }, {}),
      logger: createLogger('agg', 'warn'),
      sourceTopic: 'metrics',
      windowsSec: [60, 600],
      graceSec: 0,
      inputFormat: 'avro',
      processingGuarantee: 'at_least_once',
      commitIntervalMs: 200,
      metricsPort: 0,
    });
    const seen = new Map<number, ReturnType<typeof aggregateJsonSerde.deserialize>[]>([
      [60, []],
      [600, []],
    ]);
    const consumer = kafka.consumer({ groupId: 'check' });
    await consumer.connect();
    await consumer.subscribe({
      topics: ['metrics-aggregates-60', 'metrics-aggregates-600'],
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        seen.get(Number(topic.split('-').pop()))!.push(aggregateJsonSerde.deserialize(message.value!));
      },
    });
    try {
      // 20 minutes per gateway; with no grace the newest window of each size stays open.
      await waitFor('closed windows', () => seen.get(60)!.length >= 38 && seen.get(600)!.length >= 2, 30_000);
      const text = await (await fetch(`http://127.0.0.1:${app.metricsPort}/metrics`)).text();
      expect(text).toMatch(
        /meterstream_streams_records_processed_total\{application="meterstream-aggregator-60-600"\} 2400/,
      );
      expect(text).toContain('meterstream_streams_commit_seconds_bucket');
    } finally {
      await consumer.disconnect();
      await app.close();
    }
    for (const [windowSec, records] of seen) {
      const reference = referenceAggregates(metrics, windowSec * 1000);
      for (const r of records) expect(r).toEqual(reference.get(windowKey(formatMetricKey(r), r.windowStart)));
    }
    expect(seen.get(60)).toHaveLength(38);
    expect(seen.get(600)).toHaveLength(2);
    expect(app.streams.state()).toBe('NOT_RUNNING');
  });
});
