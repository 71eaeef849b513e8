import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SchemaRegistryServer, startSchemaRegistry } from '@meterstream/broker';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeserializationError,
  METRIC_AVRO_SCHEMA,
  type Metric,
  createSchemaRegistry,
  metricReadingSyncRegistryReader,
  metricRegistrySerde,
  metricSyncRegistryReader,
  registryAvroSerde,
} from '../src/index.js';

// The Confluent wire format through the embedded Schema Registry API (the real
// @kafkajs/confluent-schema-registry client over HTTP).
let registry: SchemaRegistryServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-registry-'));
  registry = await startSchemaRegistry({ port: 0, dataDir: dir, logger: testLogger('registry') });
});
afterAll(async () => {
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

const metric: Metric = {
  gateway: '3',
  metricType: 'WATER',
  metricAttribute: 'WATER_IDD',
  timestamp: Date.UTC(2012, 3, 1, 7, 0),
  value: -0.5,
};

describe('Avro with the Schema Registry', () => {
  it('frames as magic byte 0 + schema id + the plain Avro of the .avsc, and round-trips', async () => {
    const serde = metricRegistrySerde({ url: registry.url, subject: 'metrics-value' });
    const bytes = await serde.serialize(metric);
    const id = await serde.schemaId();
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(id);
    const plain = avro.Type.forSchema(METRIC_AVRO_SCHEMA as avro.Schema).toBuffer({
      ...metric,
      timestamp: '2012-04-01T07:00:00Z',
    });
    expect(bytes.subarray(5).equals(plain)).toBe(true);
    expect(await serde.deserialize(bytes)).toEqual(metric);
  });

  it('the synchronous reader decodes after prefetching the batch ids, and names unknown ids', async () => {
    const serde = metricRegistrySerde({ url: registry.url, subject: 'metrics-value' });
    const bytes = await serde.serialize(metric);
    const reader = metricSyncRegistryReader(createSchemaRegistry(registry.url));
    expect(() => reader.deserialize(bytes)).toThrow(/unknown schema id/);
    await reader.prefetch([bytes, null]);
    expect(reader.deserialize(bytes, { topic: 'metrics', partition: 0, offset: 1 })).toEqual(metric);
    const bogus = Buffer.from(bytes);
    bogus.writeInt32BE(9999, 1);
    await reader.prefetch([bogus]);
    expect(() => reader.deserialize(bogus, { topic: 'metrics', partition: 0, offset: 2 })).toThrow(
      DeserializationError,
    );
    expect(() => reader.deserialize(bogus)).toThrow(/unknown schema id 9999/);
  });

  it('the synchronous projection reader decodes timestamp and value; a writer schema it cannot resolve is an error naming the id', async () => {
    const serde = metricRegistrySerde({ url: registry.url, subject: 'metrics-value' });
    const bytes = await serde.serialize(metric);
    const reader = metricReadingSyncRegistryReader(createSchemaRegistry(registry.url));
    await reader.prefetch([bytes]);
    expect(reader.deserialize(bytes)).toEqual({ timestamp: metric.timestamp, value: metric.value });
    const where = { topic: 'metrics', partition: 0, offset: 3 };
    expect(() => reader.deserialize(bytes.subarray(0, bytes.length - 2), where)).toThrow(
      /invalid Avro payload: truncated buffer.*offset 3/,
    );
    expect(() => reader.deserialize(Buffer.concat([bytes, Buffer.from([1])]), where)).toThrow(
      /invalid Avro payload: trailing data/,
    );

    // A Metric schema without a value field, registered under another subject.
    const other = registryAvroSerde(
      {
        url: registry.url,
        subject: 'other-metrics-value',
        schema: {
          type: 'record',
          name: 'Metric',
          namespace: 'io.meterstream',
          fields: [{ name: 'timestamp', type: 'string' }],
        },
      },
      (value: { timestamp: string }) => value,
      (decoded) => decoded as { timestamp: string },
    );
    const foreign = await other.serialize({ timestamp: '2012-04-01T07:00:00Z' });
    await reader.prefetch([foreign]);
    const id = foreign.readInt32BE(1);
    expect(() => reader.deserialize(foreign, where)).toThrow(DeserializationError);
    expect(() => reader.deserialize(foreign, where)).toThrow(
      new RegExp(`schema id ${id} cannot be read as timestamp,value.*offset 3`),
    );
  });

  it('a schema id that is not an Avro schema (JSON Schema, Protobuf) is a DeserializationError naming the id', async () => {
    // The registry client hands such ids over as objects with their own fromBuffer.
    const registryClient = {
      getSchema: async () => ({ fromBuffer: () => ({ ...metric, timestamp: '2012-04-01T07:00:00Z' }) }),
    } as unknown as ReturnType<typeof createSchemaRegistry>;
    const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 42]), Buffer.from('{}')]);
    for (const reader of [
      metricSyncRegistryReader(registryClient),
      metricReadingSyncRegistryReader(registryClient),
    ]) {
      await reader.prefetch([framed]);
      expect(() => reader.deserialize(framed)).toThrow(DeserializationError);
      expect(() => reader.deserialize(framed)).toThrow(/schema id 42 is not an Avro schema/);
    }
  });

  it('bad framing and truncated payloads raise DeserializationError with the location', async () => {
    const serde = metricRegistrySerde({ url: registry.url, subject: 'metrics-value' });
    const bytes = await serde.serialize(metric);
    const where = { topic: 'metrics', partition: 1, offset: 7 };
    await expect(serde.deserialize(Buffer.from('{"json": true}'), where)).rejects.toThrow(
      /not in Confluent wire format.*offset 7/,
    );
    await expect(serde.deserialize(bytes.subarray(0, bytes.length - 4), where)).rejects.toThrow(
      DeserializationError,
    );
  });
});

describe('registry availability', () => {
  it('an unreachable registry is an error to retry, not a DeserializationError (good data is not dead-lettered)', async () => {
    const serde = metricRegistrySerde({ url: registry.url, subject: 'metrics-value' });
    const bytes = await serde.serialize(metric);
    const offline = metricRegistrySerde({ url: 'http://127.0.0.1:1', subject: 'metrics-value' });
    const error = await offline.deserialize(bytes).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DeserializationError);
  });
});
