import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RunningBroker,
  type SchemaRegistryServer,
  startBroker,
  startSchemaRegistry,
} from '@meterstream/broker';
import { type Metric, createSchemaRegistry, formatMetricKey, metricRegistrySerde } from '@meterstream/common';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { testLogger } from './test-logger.js';

export interface TestKafka {
  broker: RunningBroker;
  registry: SchemaRegistryServer;
  kafka: Kafka;
  admin: Admin;
  close(): Promise<void>;
}

/** The embedded broker and Schema Registry on free ports, each with a fresh data directory. */
export async function startTestKafka(): Promise<TestKafka> {
  const dir = mkdtempSync(join(tmpdir(), 'test-kafka-'));
  const broker = await startBroker({ port: 0, dataDir: join(dir, 'broker'), logger: testLogger('broker') });
  const registry = await startSchemaRegistry({
    port: 0,
    dataDir: join(dir, 'registry'),
    logger: testLogger(),
  });
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  return {
    broker,
    registry,
    kafka,
    admin,
    async close() {
      await admin.disconnect();
      await registry.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Publishes metrics keyed `<gateway>.<TYPE>.<ATTRIBUTE>` as Confluent-framed Avro, with a bad
 * payload after every `badEvery` good ones (0: none). Returns how many of each were sent.
 */
export async function publishMetrics(
  test: TestKafka,
  topic: string,
  metrics: Metric[],
  badEvery = 0,
): Promise<{ good: number; bad: number }> {
  const serde = metricRegistrySerde({
    url: test.registry.url,
    subject: `${topic}-value`,
    registry: createSchemaRegistry(test.registry.url),
  });
  const producer = test.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let bad = 0;
  try {
    for (let i = 0; i < metrics.length; i += 2000) {
      const messages: { key: string; value: Buffer }[] = [];
      for (const [j, metric] of metrics.slice(i, i + 2000).entries()) {
        const key = formatMetricKey(metric);
        messages.push({ key, value: await serde.serialize(metric) });
        if (badEvery > 0 && (i + j) % badEvery === badEvery - 1) {
          messages.push({ key, value: Buffer.from(`not avro ${i + j}`) });
          bad++;
        }
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  return { good: metrics.length, bad };
}

/** Whether the group has committed the end offset of every partition of the topic. */
export async function caughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const byPartition = new Map(committed[0]!.partitions.map((p) => [p.partition, p.offset]));
  return ends.every((end) => byPartition.get(end.partition) === end.high);
}

/** Sum of the group's committed offsets on the topic. */
export async function committedTotal(admin: Admin, groupId: string, topic: string): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  return committed[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}
