/**
 * The Schema Registry's limits over HTTP: request body size (413 with the Confluent-style error,
 * not a reset connection), schema size, connections in total, idle connections.
 */
import { testLogger, waitFor } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type SchemaRegistryOptions,
  type SchemaRegistryServer,
  startSchemaRegistry,
} from '../src/schema-registry/index.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
let server: SchemaRegistryServer | undefined;
let dataDir: string | undefined;

async function start(options: Partial<SchemaRegistryOptions> = {}): Promise<SchemaRegistryServer> {
  dataDir = mkdtempSync(join(tmpdir(), 'schema-registry-limits-'));
  server = await startSchemaRegistry({ port: 0, dataDir, logger: testLogger(), ...options });
  return server;
}

afterEach(async () => {
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  server = undefined;
  dataDir = undefined;
});

const schemaOfBytes = (bytes: number) => {
  const empty = JSON.stringify({ type: 'record', name: 'Big', doc: '', fields: [] });
  return JSON.stringify({ type: 'record', name: 'Big', doc: 'd'.repeat(bytes - empty.length), fields: [] });
};

/** POSTs a body without Content-Length (chunked), as a stream of 1 MiB chunks. */
function postChunked(url: string, totalBytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': CONTENT_TYPE } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    const pump = () => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('schema registry limits', () => {
  it('answers 413 with error_code 413 to a 20 MiB body, with or without Content-Length, and keeps serving', async () => {
    const sr = await start();
    const big = JSON.stringify({ schema: 'x'.repeat(20 * 1024 * 1024) });
    const res = await fetch(`${sr.url}/subjects/big/versions`, {
      method: 'POST',
      headers: { 'content-type': CONTENT_TYPE },
      body: big,
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error_code: number; message: string };
    expect(body.error_code).toBe(413);
    expect(body.message).toContain(`limit of ${4 * 1024 * 1024} bytes`);

    const chunked = await postChunked(`${sr.url}/subjects/big/versions`, 20 * 1024 * 1024);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ error_code: 413 });

    const list = await fetch(`${sr.url}/subjects`);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([]);
  });

  it('refuses a schema over maxSchemaBytes with 422 / 42201 naming the limit; smaller ones register', async () => {
    const sr = await start();
    const res = await fetch(`${sr.url}/subjects/big/versions`, {
      method: 'POST',
      headers: { 'content-type': CONTENT_TYPE },
      body: JSON.stringify({ schema: schemaOfBytes(1024 * 1024 + 1) }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error_code: number; message: string };
    expect(body.error_code).toBe(42201);
    expect(body.message).toContain(`limit of ${1024 * 1024} bytes`);

    const registry = new SchemaRegistry({ host: sr.url });
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: schemaOfBytes(1024 * 1024) },
      { subject: 'fits' },
    );
    expect(id).toBeGreaterThan(0);
    await expect(
      registry.register(
        { type: SchemaType.AVRO, schema: schemaOfBytes(1024 * 1024 + 100) },
        { subject: 'fits' },
      ),
    ).rejects.toThrow(/limit of 1048576 bytes/);
  });

  it('closes connections over maxConnections at accept', async () => {
    const sr = await start({ maxConnections: 2 });
    const held = [connect(sr.port, '127.0.0.1'), connect(sr.port, '127.0.0.1')];
    await Promise.all(held.map((s) => new Promise((r) => s.once('connect', r))));
    // the two held sockets are counted once the server has seen them
    await waitFor(
      'a third connection to be refused',
      async () => {
        const res = await fetch(`${sr.url}/subjects`).then(
          () => 'served',
          () => 'refused',
        );
        return res === 'refused';
      },
      30_000,
    );
    for (const s of held) s.destroy();
    await waitFor(
      'service',
      async () =>
        (await fetch(`${sr.url}/subjects`).then(
          (r) => r.status,
          () => 0,
        )) === 200,
      30_000,
    );
  });

  it('closes a connection idle for connectionsMaxIdleMs', async () => {
    const sr = await start({ connectionsMaxIdleMs: 300 });
    const socket = connect(sr.port, '127.0.0.1');
    socket.on('error', () => undefined);
    let closed = false;
    socket.once('close', () => {
      closed = true;
    });
    await waitFor('the idle connection to be closed', () => closed, 30_000);
  });
});
