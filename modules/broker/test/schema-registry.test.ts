import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSchemaRegistry, type SchemaRegistryServer } from '../src/schema-registry/index.js';

const metricAvsc = readFileSync(resolve(import.meta.dirname, '../../common/schemas/metric.avsc'), 'utf8');
const metricSchema = JSON.parse(metricAvsc) as {
  fields: { name: string; type: unknown; default?: unknown }[];
};
const logger = testLogger();

function withFields(extra: { name: string; type: unknown; default?: unknown }[]): string {
  return JSON.stringify({ ...metricSchema, fields: [...metricSchema.fields, ...extra] });
}

async function rest(server: SchemaRegistryServer, method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('schema registry', () => {
  let dataDir: string;
  let server: SchemaRegistryServer;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'schema-registry-'));
    server = await startSchemaRegistry({ port: 0, dataDir, logger });
  });
  afterEach(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers the Metric schema, encodes with Confluent framing and decodes', async () => {
    const registry = new SchemaRegistry({ host: server.url });
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: metricAvsc },
      { subject: 'metrics-value' },
    );
    expect(id).toBeGreaterThan(0);
    const again = await registry.register(
      { type: SchemaType.AVRO, schema: metricAvsc },
      { subject: 'metrics-value' },
    );
    expect(again.id).toBe(id);

    const metric = {
      gateway: 'gw-1',
      metricType: 'ELECTRICITY',
      metricAttribute: 'POWER',
      timestamp: '2006-12-16T17:24:00Z',
      value: 4.216,
    };
    const encoded = await registry.encode(id, metric);
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);

    // A fresh client has no cache: decoding must fetch the schema by id from the server.
    const fresh = new SchemaRegistry({ host: server.url });
    // metric.avsc's optional unit (default null) is written as null when absent.
    expect(await fresh.decode(encoded)).toEqual({ ...metric, unit: null });
    expect(await fresh.getLatestSchemaId('metrics-value')).toBe(id);
    expect(await fresh.getRegistryId('metrics-value', 1)).toBe(id);
    expect(
      await fresh.getRegistryIdBySchema('metrics-value', { type: SchemaType.AVRO, schema: metricAvsc }),
    ).toBe(id);
  });

  it('refuses an incompatible evolution under BACKWARD and accepts a compatible one', async () => {
    const registry = new SchemaRegistry({ host: server.url });
    const subject = 'metrics-value';
    const v1 = await registry.register({ type: SchemaType.AVRO, schema: metricAvsc }, { subject });
    expect((await rest(server, 'GET', `/config/${subject}`)).body).toEqual({
      compatibilityLevel: 'BACKWARD',
    });

    // A new field without a default cannot be filled when reading old data.
    const incompatible = withFields([{ name: 'phase', type: 'string' }]);
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: incompatible }, { subject }),
    ).rejects.toThrow(/incompatible/);
    const check = await rest(server, 'POST', `/compatibility/subjects/${subject}/versions/latest`, {
      schema: incompatible,
    });
    expect(check.body).toEqual({ is_compatible: false });

    const compatible = withFields([{ name: 'phase', type: 'string', default: 'L1' }]);
    const v2 = await registry.register({ type: SchemaType.AVRO, schema: compatible }, { subject });
    expect(v2.id).not.toBe(v1.id);
    expect((await rest(server, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2]);

    // Data written with v1 decodes with v2 as the reader schema.
    const encoded = await registry.encode(v1.id, {
      gateway: 'g',
      metricType: 'T',
      metricAttribute: 'A',
      timestamp: '2006-12-16T17:24:00Z',
      value: 1.5,
    });
    const decoded = await registry.decode(encoded, {
      [SchemaType.AVRO]: { readerSchema: JSON.parse(compatible) },
    });
    expect(decoded).toMatchObject({ gateway: 'g', phase: 'L1' });

    // Under NONE the incompatible schema is accepted.
    expect((await rest(server, 'PUT', `/config/${subject}`, { compatibility: 'NONE' })).body).toEqual({
      compatibility: 'NONE',
    });
    const v3 = await registry.register(
      { type: SchemaType.AVRO, schema: incompatible },
      { subject, compatibility: COMPATIBILITY.NONE },
    );
    expect(v3.id).toBeGreaterThan(v2.id);
  });

  it('answers with Confluent error codes', async () => {
    expect(await rest(server, 'GET', '/subjects/nope/versions')).toEqual({
      status: 404,
      body: { error_code: 40401, message: expect.stringContaining('nope') },
    });
    expect((await rest(server, 'GET', '/schemas/ids/99')).body.error_code).toBe(40403);
    const invalid = await rest(server, 'POST', '/subjects/s/versions', { schema: '{"type":"record"}' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error_code).toBe(42201);
    await rest(server, 'POST', '/subjects/s/versions', { schema: metricAvsc });
    expect((await rest(server, 'GET', '/subjects/s/versions/7')).body.error_code).toBe(40402);
    expect((await rest(server, 'GET', '/subjects/s/versions/x')).body.error_code).toBe(42202);
    const other = JSON.stringify({ type: 'record', name: 'Other', fields: [{ name: 'a', type: 'int' }] });
    expect((await rest(server, 'POST', '/subjects/s', { schema: other })).body.error_code).toBe(40403);
    expect((await rest(server, 'POST', '/subjects/unknown', { schema: other })).body.error_code).toBe(40401);
    expect((await rest(server, 'PUT', '/config', { compatibility: 'SOMETIMES' })).body.error_code).toBe(
      42203,
    );
  });

  it('gives the same id to the same schema in another subject and lists subjects', async () => {
    const a = await rest(server, 'POST', '/subjects/a-value/versions', { schema: metricAvsc });
    // Whitespace differences do not make a different schema.
    const b = await rest(server, 'POST', '/subjects/b-value/versions', {
      schema: JSON.stringify(metricSchema),
    });
    expect(b.body.id).toBe(a.body.id);
    expect((await rest(server, 'GET', '/subjects')).body).toEqual(['a-value', 'b-value']);
    const latest = await rest(server, 'GET', '/subjects/b-value/versions/latest');
    expect(latest.body).toMatchObject({ subject: 'b-value', version: 1, id: a.body.id });
    expect(JSON.parse(latest.body.schema as string)).toEqual(metricSchema);
  });

  it('keeps schemas, versions and config across a restart', async () => {
    const registry = new SchemaRegistry({ host: server.url });
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: metricAvsc },
      { subject: 'm-value' },
    );
    await rest(server, 'PUT', '/config', { compatibility: 'FULL' });
    const encoded = await registry.encode(id, {
      gateway: 'g',
      metricType: 'T',
      metricAttribute: 'A',
      timestamp: 't',
      value: 2,
    });
    await server.close();

    server = await startSchemaRegistry({ port: 0, dataDir, logger });
    const fresh = new SchemaRegistry({ host: server.url });
    expect(await fresh.decode(encoded)).toMatchObject({ gateway: 'g', value: 2 });
    expect((await rest(server, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'FULL' });
    expect((await rest(server, 'GET', '/config/m-value')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    // New ids continue after the persisted ones.
    const other = JSON.stringify({ type: 'record', name: 'Other', fields: [{ name: 'a', type: 'int' }] });
    const next = await rest(server, 'POST', '/subjects/o-value/versions', { schema: other });
    expect(next.body.id).toBe(id + 1);
  });
});
