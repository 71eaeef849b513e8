import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSchemaRegistry, InMemorySchemaRegistry } from '../../src/format/schema-registry.js';

describe('InMemorySchemaRegistry', () => {
  it('gives ids from 1, the same id to an identical schema, and versions per subject', async () => {
    const r = new InMemorySchemaRegistry();
    expect(await r.register('a-value', { schemaType: 'AVRO', schema: '"int"' })).toBe(1);
    expect(await r.register('b-value', { schemaType: 'AVRO', schema: ' "int" ' })).toBe(1);
    expect(await r.register('a-value', { schemaType: 'AVRO', schema: '"long"' })).toBe(2);
    expect(await r.register('a-value', { schemaType: 'JSON', schema: '"int"' })).toBe(3);
    expect((await r.latest('a-value'))?.id).toBe(3);
    expect(await r.register('a-value', { schemaType: 'AVRO', schema: '"int"' })).toBe(1);
    expect(r.listSubjects().get('a-value')).toEqual([1, 2, 3]);
    expect(await r.latest('nope')).toBeUndefined();
    expect((await r.byId(2)).schema).toBe('"long"');
    await expect(r.byId(9)).rejects.toThrow('40403');
  });
});

describe('InMemorySchemaRegistry.registerWithId', () => {
  it('keeps a given id, and later ids follow the highest', async () => {
    const r = new InMemorySchemaRegistry();
    expect(r.registerWithId('t-value', { schemaType: 'AVRO', schema: '"int"' }, 102)).toBe(102);
    expect((await r.latest('t-value'))?.id).toBe(102);
    expect((await r.byId(102)).schema).toBe('"int"');
    expect(await r.register('u-value', { schemaType: 'AVRO', schema: '"int"' })).toBe(102);
    expect(await r.register('u-value', { schemaType: 'AVRO', schema: '"long"' })).toBe(103);
    expect(() => r.registerWithId('v-value', { schemaType: 'AVRO', schema: '"string"' }, 102)).toThrow(
      'already taken',
    );
  });
});

describe('HttpSchemaRegistry (Confluent REST API)', () => {
  let server: Server;
  let url: string;
  const schemas: { schema: string; schemaType?: string; references?: unknown[] }[] = [];
  const subjects = new Map<string, number[]>();
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
        const reply = (status: number, json: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
          res.end(JSON.stringify(json));
        };
        let m = /^\/subjects\/([^/]+)\/versions$/.exec(req.url ?? '');
        if (m && req.method === 'POST') {
          const payload = JSON.parse(body) as { schema: string; schemaType?: string };
          schemas.push(payload);
          const id = schemas.length;
          const subject = decodeURIComponent(m[1]);
          subjects.set(subject, [...(subjects.get(subject) ?? []), id]);
          return reply(200, { id });
        }
        m = /^\/subjects\/([^/]+)\/versions\/latest$/.exec(req.url ?? '');
        if (m) {
          const ids = subjects.get(decodeURIComponent(m[1]));
          if (!ids) return reply(404, { error_code: 40401, message: 'Subject not found.' });
          const id = ids[ids.length - 1];
          return reply(200, { subject: m[1], version: ids.length, id, ...schemas[id - 1] });
        }
        m = /^\/subjects\/([^/]+)\/versions\/(\d+)$/.exec(req.url ?? '');
        if (m) {
          const id = subjects.get(decodeURIComponent(m[1]))?.[Number(m[2]) - 1];
          if (id === undefined) return reply(404, { error_code: 40402, message: 'Version not found.' });
          return reply(200, { subject: m[1], version: Number(m[2]), id, ...schemas[id - 1] });
        }
        m = /^\/schemas\/ids\/(\d+)$/.exec(req.url ?? '');
        if (m) {
          const s = schemas[Number(m[1]) - 1];
          return s ? reply(200, s) : reply(404, { error_code: 40403, message: 'Schema not found' });
        }
        reply(500, { message: 'unexpected' });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('registers, reads the latest and reads by id', async () => {
    const r = new HttpSchemaRegistry(url);
    expect(await r.register('t-value', { schemaType: 'AVRO', schema: '"string"' })).toBe(1);
    expect(await r.register('t-key', { schemaType: 'JSON', schema: '{"type":"integer"}' })).toBe(2);
    // AVRO is the registry's default type and is not sent; other types are.
    expect(schemas).toEqual([{ schema: '"string"' }, { schema: '{"type":"integer"}', schemaType: 'JSON' }]);
    expect(seen[0]).toBe('POST /subjects/t-value/versions application/vnd.schemaregistry.v1+json');
    expect(await r.latest('t-key')).toEqual({
      id: 2,
      schema: { schemaType: 'JSON', schema: '{"type":"integer"}' },
    });
    expect(await r.latest('missing')).toBeUndefined();
    expect(await new HttpSchemaRegistry(url).byId(1)).toEqual({ schemaType: 'AVRO', schema: '"string"' });
    await expect(new HttpSchemaRegistry(url).byId(7)).rejects.toThrow(
      'Schema Registry reading schema 7 failed (HTTP 404): Schema not found',
    );
  });

  it('sends and reads schema references, and reads a subject version', async () => {
    const r = new HttpSchemaRegistry(url);
    const references = [{ name: 'event.proto', subject: 'event.proto', version: 1 }];
    const event = await r.register('event.proto', { schemaType: 'PROTOBUF', schema: 'message Event {}' });
    const id = await r.register('l-value', {
      schemaType: 'PROTOBUF',
      schema: 'import "event.proto"; message L { Event e = 1; }',
      references,
    });
    expect(schemas[id - 1].references).toEqual(references);
    expect(await new HttpSchemaRegistry(url).byId(id)).toEqual({
      schemaType: 'PROTOBUF',
      schema: 'import "event.proto"; message L { Event e = 1; }',
      references,
    });
    expect(await r.version('event.proto', 1)).toEqual({
      id: event,
      schema: { schemaType: 'PROTOBUF', schema: 'message Event {}' },
    });
    expect(await r.version('event.proto', 2)).toBeUndefined();
  });
});

describe('InMemorySchemaRegistry references and versions', () => {
  it('keeps references with the schema, tells schemas apart by them, and reads versions', async () => {
    const r = new InMemorySchemaRegistry();
    const plain = r.registerSync('s', { schemaType: 'PROTOBUF', schema: 'message A {}' });
    const refs = [{ name: 'b.proto', subject: 'b.proto', version: 1 }];
    const withRefs = r.registerSync('s', {
      schemaType: 'PROTOBUF',
      schema: 'message A {}',
      references: refs,
    });
    expect(withRefs).not.toBe(plain);
    expect((await r.byId(withRefs)).references).toEqual(refs);
    expect((await r.version('s', 1))?.id).toBe(plain);
    expect((await r.version('s', 2))?.id).toBe(withRefs);
    expect(await r.version('s', 3)).toBeUndefined();
  });
});
