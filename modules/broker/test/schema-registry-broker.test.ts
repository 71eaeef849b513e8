import { testLogger, waitFor } from '@meterstream/test-support';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchemaRegistry, type SchemaRegistryServer } from '../src/schema-registry/index.js';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';

const metricAvsc = readFileSync(resolve(import.meta.dirname, '../../common/schemas/metric.avsc'), 'utf8');

describe('schema registry through the broker', () => {
  let broker: TestBroker;
  let registryServer: SchemaRegistryServer;
  let registryDir: string;

  beforeAll(async () => {
    broker = await startTestBroker();
    registryDir = mkdtempSync(join(tmpdir(), 'schema-registry-'));
    registryServer = await startSchemaRegistry({
      port: 0,
      dataDir: registryDir,
      logger: testLogger(),
    });
  });
  afterAll(async () => {
    await registryServer.close();
    await broker.close();
    rmSync(registryDir, { recursive: true, force: true });
  });

  it('produces Avro metrics encoded with the registry and decodes them from a consumer', async () => {
    const registry = new SchemaRegistry({ host: registryServer.url });
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: metricAvsc },
      { subject: 'metrics-value' },
    );
    const metrics = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({
      gateway: `gw-${i % 2}`,
      metricType: 'ELECTRICITY',
      metricAttribute: i % 2 ? 'POWER' : 'CURRENT',
      timestamp: `2006-12-16T17:2${i}:00Z`,
      value: i * 1.25,
    }));
    const kafka = kafkaClient(broker.bootstrap, 'avro');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'metrics', numPartitions: 4 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'metrics',
      acks: -1,
      messages: await Promise.all(
        metrics.map(async (m) => ({
          key: `${m.gateway}.${m.metricType}.${m.metricAttribute}`,
          value: await registry.encode(id, m),
        })),
      ),
    });
    await producer.disconnect();

    // The consumer side uses a fresh registry client: the schema comes from the id in each record.
    const reader = new SchemaRegistry({ host: registryServer.url });
    const consumer = kafka.consumer({ groupId: 'avro-reader', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'metrics', fromBeginning: true });
    const decoded: unknown[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        expect(message.value![0]).toBe(0);
        expect(message.value!.readInt32BE(1)).toBe(id);
        decoded.push(await reader.decode(message.value!));
      },
    });
    await waitFor('every metric decoded', () => decoded.length === metrics.length, 30_000);
    await consumer.disconnect();
    const byTime = (a: unknown, b: unknown) =>
      (a as { timestamp: string }).timestamp.localeCompare((b as { timestamp: string }).timestamp);
    // metric.avsc's optional unit (default null) comes back as null.
    expect(decoded.sort(byTime)).toEqual(metrics.map((m) => ({ ...m, unit: null })));
  });
});
