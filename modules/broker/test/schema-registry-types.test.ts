import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { testLogger } from '@meterstream/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SchemaRegistryServer, startSchemaRegistry } from '../src/schema-registry/index.js';

const logger = testLogger();
let dataDir: string;
let server: SchemaRegistryServer;

async function rest(method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
}

const reading = `syntax = "proto3";
package meter;
message Reading {
  string gateway = 1;
  double value = 2;
}`;
const readingJson = JSON.stringify({
  type: 'object',
  properties: { gateway: { type: 'string' }, value: { type: 'number' } },
  required: ['gateway'],
});

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'schema-registry-types-'));
  server = await startSchemaRegistry({ port: 0, dataDir, logger });
});
afterEach(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('schema registry: PROTOBUF and JSON schemas', () => {
  it('registers both with the Confluent client and round-trips records through them', async () => {
    const client = new SchemaRegistry({ host: server.url });
    const proto = await client.register(
      { type: SchemaType.PROTOBUF, schema: reading },
      { subject: 'p-value' },
    );
    const json = await client.register(
      { type: SchemaType.JSON, schema: readingJson },
      { subject: 'j-value' },
    );
    expect(proto.id).not.toBe(json.id);
    const payload = { gateway: 'g-1', value: 2.5 };
    expect(await client.decode(await client.encode(proto.id, payload))).toMatchObject(payload);
    expect(await client.decode(await client.encode(json.id, payload))).toEqual(payload);
    // Same schema with other blanks: same id.
    const again = await rest('POST', '/subjects/p-value/versions', {
      schemaType: 'PROTOBUF',
      schema: `${reading}\r\n\n`,
    });
    expect(again.body).toEqual({ id: proto.id });
  });

  it('answers schemaType and references as Confluent does, and lists the types', async () => {
    expect((await rest('GET', '/schemas/types')).body).toEqual(['AVRO', 'JSON', 'PROTOBUF']);
    const base = await rest('POST', '/subjects/common.proto/versions', {
      schemaType: 'PROTOBUF',
      schema: reading,
    });
    const importer = `syntax = "proto3";\nimport "common.proto";\nmessage Batch { repeated meter.Reading readings = 1; }`;
    const references = [{ name: 'common.proto', subject: 'common.proto', version: 1 }];
    const batch = await rest('POST', '/subjects/batch-value/versions', {
      schemaType: 'PROTOBUF',
      schema: importer,
      references,
    });
    expect(batch.status).toBe(200);
    expect((await rest('GET', `/schemas/ids/${batch.body.id}`)).body).toEqual({
      schemaType: 'PROTOBUF',
      schema: importer,
      references,
    });
    expect((await rest('GET', '/subjects/batch-value/versions/latest')).body).toMatchObject({
      subject: 'batch-value',
      version: 1,
      schemaType: 'PROTOBUF',
      references,
    });
    expect((await rest('GET', '/subjects/common.proto/versions/1/referencedby')).body).toEqual([
      batch.body.id,
    ]);
    expect((await rest('GET', `/schemas/ids/${base.body.id}`)).body).not.toHaveProperty('references');
    const lookup = await rest('POST', '/subjects/batch-value', {
      schemaType: 'PROTOBUF',
      schema: importer,
      references,
    });
    expect(lookup.body).toMatchObject({ id: batch.body.id, version: 1 });
  });

  it('refuses invalid schemas, unknown types and missing references with 42201 naming the problem', async () => {
    const bad = await rest('POST', '/subjects/x/versions', {
      schemaType: 'PROTOBUF',
      schema: 'message { nope',
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error_code: 42201, message: expect.stringContaining('PROTOBUF') });
    const notJson = await rest('POST', '/subjects/x/versions', { schemaType: 'JSON', schema: '[1, 2]' });
    expect(notJson.body).toMatchObject({
      error_code: 42201,
      message: expect.stringContaining('JSON Schema is an object'),
    });
    const unknown = await rest('POST', '/subjects/x/versions', { schemaType: 'THRIFT', schema: '{}' });
    expect(unknown.body).toMatchObject({ error_code: 42201, message: expect.stringContaining('THRIFT') });
    const missing = await rest('POST', '/subjects/x/versions', {
      schemaType: 'PROTOBUF',
      schema: reading,
      references: [{ name: 'a.proto', subject: 'a.proto', version: 3 }],
    });
    expect(missing.body).toMatchObject({
      error_code: 42201,
      message: expect.stringContaining('a.proto version 3'),
    });
    expect((await rest('GET', '/subjects')).body).toEqual([]);
  });

  it('checks PROTOBUF and JSON compatibility: a changed field type, a removed message, a new required property', async () => {
    await rest('POST', '/subjects/p/versions', { schemaType: 'PROTOBUF', schema: reading });
    const added = reading.replace('double value = 2;', 'double value = 2;\n  string unit = 3;');
    expect(
      (await rest('POST', '/subjects/p/versions', { schemaType: 'PROTOBUF', schema: added })).status,
    ).toBe(200);
    const retyped = added.replace('double value = 2;', 'string value = 2;');
    const refused = await rest('POST', '/subjects/p/versions', { schemaType: 'PROTOBUF', schema: retyped });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('field 2 of meter.Reading changed from double to string');
    const renamed = added.replace('message Reading', 'message Sample');
    expect(
      (await rest('POST', '/subjects/p/versions', { schemaType: 'PROTOBUF', schema: renamed })).body.message,
    ).toContain('message meter.Reading was removed');
    const avro = await rest('POST', '/subjects/p/versions', { schema: '"string"' });
    expect(avro.body.message).toContain('schema type changed from PROTOBUF to AVRO');

    await rest('POST', '/subjects/j/versions', { schemaType: 'JSON', schema: readingJson });
    const required = JSON.parse(readingJson);
    required.required.push('value');
    const newlyRequired = await rest('POST', '/subjects/j/versions', {
      schemaType: 'JSON',
      schema: JSON.stringify(required),
    });
    expect(newlyRequired.body.message).toContain('property value became required');
    await rest('PUT', '/config/j', { compatibility: 'NONE' });
    expect(
      (await rest('POST', '/subjects/j/versions', { schemaType: 'JSON', schema: JSON.stringify(required) }))
        .status,
    ).toBe(200);
  });
});

describe('schema registry: modes and registering under a given id', () => {
  it('takes an id and version only in IMPORT mode, never overwriting an id, and keeps it across a restart', async () => {
    const withId = { schemaType: 'JSON', schema: readingJson, id: 50 };
    const notImporting = await rest('POST', '/subjects/imp-value/versions', withId);
    expect(notImporting.body).toMatchObject({
      error_code: 42205,
      message: expect.stringContaining('not in import mode'),
    });
    await rest('POST', '/subjects/other/versions', { schema: '"string"' });
    const occupied = await rest('PUT', '/mode', { mode: 'IMPORT' });
    expect(occupied.body).toMatchObject({ error_code: 42205 });
    expect((await rest('PUT', '/mode/imp-value', { mode: 'IMPORT' })).body).toEqual({ mode: 'IMPORT' });
    expect((await rest('GET', '/mode/imp-value')).body).toEqual({ mode: 'IMPORT' });
    expect((await rest('GET', '/mode')).body).toEqual({ mode: 'READWRITE' });
    expect((await rest('POST', '/subjects/imp-value/versions', { ...withId, version: 7 })).body).toEqual({
      id: 50,
    });
    const taken = await rest('POST', '/subjects/imp-value/versions', { schema: '"long"', id: 50 });
    expect(taken.body).toMatchObject({ error_code: 42207 });
    expect((await rest('DELETE', '/mode/imp-value')).body).toEqual({ mode: 'IMPORT' });
    // New ids continue after the imported one.
    expect((await rest('POST', '/subjects/next/versions', { schema: '"int"' })).body).toEqual({ id: 51 });

    await server.close();
    server = await startSchemaRegistry({ port: 0, dataDir, logger });
    expect((await rest('GET', '/schemas/ids/50')).body).toEqual({ schemaType: 'JSON', schema: readingJson });
    expect((await rest('GET', '/subjects/imp-value/versions')).body).toEqual([7]);
  });

  it('refuses registration in READONLY mode, and an unknown mode with 42204', async () => {
    expect((await rest('PUT', '/mode', { mode: 'sideways' })).body).toMatchObject({ error_code: 42204 });
    await rest('PUT', '/mode', { mode: 'READONLY' });
    const refused = await rest('POST', '/subjects/s/versions', { schema: '"string"' });
    expect(refused.body).toMatchObject({ error_code: 42205, message: expect.stringContaining('read-only') });
    await rest('PUT', '/mode/s', { mode: 'READWRITE' });
    expect((await rest('POST', '/subjects/s/versions', { schema: '"string"' })).status).toBe(200);
  });
});
