import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SchemaRegistryServer, startSchemaRegistry } from '@meterstream/broker';
import { HttpSchemaRegistry, KsqlEngine } from '@meterstream/ksql';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaRecordWriter } from '../../src/kafka/kafka-record-writer.js';
import { KafkaTopicCatalog } from '../../src/kafka/kafka-topic-catalog.js';
import { Cluster, createdQuery, jsonValue, SERVICE_ID, testLog } from './harness.js';

const cluster = new Cluster();
let registryDir: string;
let registry: SchemaRegistryServer;
beforeAll(async () => {
  registryDir = mkdtempSync(join(tmpdir(), 'ms-ksql-sr-'));
  registry = await startSchemaRegistry({ port: 0, dataDir: registryDir, logger: testLog });
  await cluster.start();
});
afterAll(async () => {
  await cluster.stop();
  await registry?.close();
  rmSync(registryDir, { recursive: true, force: true });
});

/** Confluent framing: magic byte 0, the schema id, then the Avro binary. */
function framed(id: number, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeInt32BE(id, 1);
  return Buffer.concat([head, body]);
}

describe('KafkaQueryRuntime: Schema Registry formats', () => {
  it("fetches a batch's writer schemas before the query reads it (a schema registered after the query started)", async () => {
    await cluster.createTopic('payments', 2);
    const schemas = new HttpSchemaRegistry(registry.url);
    const engine = new KsqlEngine({
      serviceId: SERVICE_ID,
      topics: new KafkaTopicCatalog(cluster.admin),
      writer: new KafkaRecordWriter(cluster.producer),
      schemaRegistry: schemas,
      properties: { 'auto.offset.reset': 'earliest' },
    });
    await engine.execute(
      "CREATE STREAM PAYMENTS (ID STRING KEY, AMOUNT INT) WITH (kafka_topic='payments', value_format='AVRO');",
    );
    const query = createdQuery(
      await engine.execute(
        "CREATE STREAM PAID WITH (value_format='JSON') AS SELECT ID, AMOUNT FROM PAYMENTS WHERE AMOUNT > 0;",
      ),
    );
    const runtime = cluster.runtime();
    try {
      await runtime.start(query);
      // A producer's newer writer schema (an extra optional field), registered only now: the
      // query's serde has never seen its id.
      const writerSchema = {
        type: 'record',
        // The record name the engine registered for the stream (a rename would be incompatible).
        name: 'KsqlDataSourceSchema',
        namespace: 'io.confluent.ksql.avro_schemas',
        fields: [
          { name: 'AMOUNT', type: ['null', 'int'], default: null },
          { name: 'NOTE', type: ['null', 'string'], default: null },
        ],
      };
      const id = await schemas.register('payments-value', {
        schemaType: 'AVRO',
        schema: JSON.stringify(writerSchema),
      });
      const type = avro.Type.forSchema(writerSchema as avro.Schema, { wrapUnions: false });
      await cluster.send('payments', [
        { key: 'p1', value: framed(id, type.toBuffer({ AMOUNT: 5, NOTE: 'x' })), partition: 0 },
        { key: 'p2', value: framed(id, type.toBuffer({ AMOUNT: 0, NOTE: null })), partition: 1 },
        { key: 'p3', value: framed(id, type.toBuffer({ AMOUNT: 7, NOTE: null })), partition: 1 },
      ]);
      const out = await cluster.read(query.sinkTopic, 2);
      expect(out.map((m) => [m.key?.toString(), jsonValue(m)]).sort()).toEqual([
        ['p1', { AMOUNT: 5 }],
        ['p3', { AMOUNT: 7 }],
      ]);
      expect(runtime.status(query.id)?.state).toBe('RUNNING');
    } finally {
      await runtime.close();
    }
  });
});
