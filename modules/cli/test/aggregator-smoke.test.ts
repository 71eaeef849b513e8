import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '@meterstream/broker';
import { createLogger, formatMetricKey, loadConfig, metricJsonSerde, type Metric } from '@meterstream/common';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAggregator } from '../src/apps/aggregator.js';

describe('aggregator app (smoke)', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ms-agg-'));
    broker = await startBroker({
      port: 0,
      dataDir: dir,
      defaultPartitions: 4,
      logger: createLogger('broker', 'warn'),
    });
  });
  afterAll(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('aggregates a few minutes of metrics into 60 s windows', async () => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'metrics', numPartitions: 4 },
        { topic: 'metrics-aggregates-60', numPartitions: 4 },
      ],
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const t0 = Date.UTC(2006, 11, 16, 17, 0);
    const metrics: Metric[] = [];
    for (let i = 0; i < 600; i++) {
      for (const gateway of ['0', '1']) {
        metrics.push({
          gateway,
          metricType: 'ELECTRICITY',
          metricAttribute: 'ACTIVE_POWER',
          timestamp: t0 + i * 1000,
          value: i % 7,
        });
      }
    }
    await producer.send({
      topic: 'metrics',
      messages: metrics.map((m) => ({ key: formatMetricKey(m), value: metricJsonSerde.serialize(m) })),
    });
    const config = loadConfig({ 'kafka-brokers': broker.bootstrap, 'schema-registry-url': 'none' }, {});
    const app = await startAggregator({
      config,
      logger: createLogger('agg', 'warn'),
      sourceTopic: 'metrics',
      windowsSec: [60],
      graceSec: 0,
      inputFormat: 'json',
      processingGuarantee: 'at_least_once',
      commitIntervalMs: 200,
    });
    const consumer = kafka.consumer({ groupId: 'check' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'metrics-aggregates-60', fromBeginning: true });
    const seen: unknown[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString())),
    });
    const deadline = Date.now() + 30_000;
    while (seen.length < 18 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await consumer.disconnect();
    await app.close();
    await producer.disconnect();
    // 10 minutes → windows 0..9 per gateway; the last one stays open (no grace, but stream time = its last record)
    expect(seen).toHaveLength(18);
  });
});
