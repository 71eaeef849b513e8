import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { ensureSecurityBundle, type SecurityBundle, tlsServerOptions } from '@meterstream/security';
import { testLogger } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchemaRegistryServer, startSchemaRegistry } from '../src/schema-registry/index.js';

const metricAvsc = readFileSync(resolve(import.meta.dirname, '../../common/schemas/metric.avsc'), 'utf8');
const logger = testLogger();
const root = mkdtempSync(join(tmpdir(), 'schema-registry-auth-'));
let bundle: SecurityBundle;
let server: SchemaRegistryServer;
const password = (name: string) => bundle.users.find((u) => u.username === name)?.password ?? '';

beforeAll(async () => {
  bundle = await ensureSecurityBundle(root);
  server = await startSchemaRegistry({
    port: 0,
    dataDir: join(root, 'registry'),
    logger,
    users: bundle.users,
  });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const client = (username?: string, pw?: string) =>
  new SchemaRegistry({
    host: server.url,
    retry: { retries: 0 },
    ...(username === undefined ? {} : { auth: { username, password: pw ?? '' } }),
  });
const register = (registry: SchemaRegistry, subject = 'metrics-value') =>
  registry.register({ type: SchemaType.AVRO, schema: metricAvsc }, { subject });
const subjects = async () => {
  const res = await fetch(`${server.url}/subjects`, {
    headers: { authorization: `Basic ${Buffer.from(`admin:${password('admin')}`).toString('base64')}` },
  });
  return res.json();
};

describe('schema registry with Basic auth (@kafkajs/confluent-schema-registry)', () => {
  it('refuses no credentials, a wrong password and an unknown user with 401 / 40101, writing nothing', async () => {
    for (const registry of [
      client(),
      client('replay', `${password('replay')}x`),
      client('mallory', password('admin')),
    ]) {
      await expect(register(registry)).rejects.toMatchObject({
        status: 401,
        message: expect.stringContaining('Unauthorized'),
      });
    }
    const raw = await fetch(`${server.url}/subjects`);
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toMatch(/^Basic realm="schema-registry"/);
    expect(await raw.json()).toEqual({ error_code: 40101, message: 'Unauthorized' });
    expect(await subjects()).toEqual([]);
  });

  it('refuses a read-only user registering with 403 / 40301, writing nothing, and lets it read', async () => {
    const serving = client('serving', password('serving'));
    await expect(register(serving)).rejects.toMatchObject({ status: 403 });
    const raw = await fetch(`${server.url}/subjects/metrics-value/versions`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`serving:${password('serving')}`).toString('base64')}` },
      body: JSON.stringify({ schema: metricAvsc }),
    });
    expect(raw.status).toBe(403);
    expect(((await raw.json()) as { error_code: number }).error_code).toBe(40301);
    expect(await subjects()).toEqual([]);

    const { id } = await register(client('replay', password('replay')));
    expect(await subjects()).toEqual(['metrics-value']);
    const encoded = await client('replay', password('replay')).encode(id, {
      gateway: 'gw-1',
      metricType: 'ELECTRICITY',
      metricAttribute: 'POWER',
      timestamp: '2006-12-16T17:24:00Z',
      value: 1.5,
    });
    expect(await serving.decode(encoded)).toMatchObject({ gateway: 'gw-1', value: 1.5 });
    expect(await serving.getLatestSchemaId('metrics-value')).toBe(id);
  });

  it('keeps deletes and config for admin: a writer is refused, admin may', async () => {
    await register(client('replay', password('replay')), 'to-delete');
    const del = (user: string) =>
      fetch(`${server.url}/subjects/to-delete`, {
        method: 'DELETE',
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password(user)}`).toString('base64')}` },
      });
    expect((await del('replay')).status).toBe(403);
    expect(await subjects()).toContain('to-delete');
    expect((await del('admin')).status).toBe(200);
    expect(await subjects()).not.toContain('to-delete');
    const globalConfig = (user: string) =>
      fetch(`${server.url}/config`, {
        method: 'PUT',
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password(user)}`).toString('base64')}` },
        body: JSON.stringify({ compatibility: 'NONE' }),
      });
    expect((await globalConfig('replay')).status).toBe(403);
    expect(
      await (
        await fetch(`${server.url}/config`, {
          headers: {
            authorization: `Basic ${Buffer.from(`serving:${password('serving')}`).toString('base64')}`,
          },
        })
      ).json(),
    ).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await globalConfig('admin')).status).toBe(200);
  });
});

describe('schema registry over HTTPS with Basic auth', () => {
  it('serves a client that trusts the bundle CA and gives credentials', async () => {
    const tls = await startSchemaRegistry({
      port: 0,
      dataDir: join(root, 'registry-tls'),
      logger,
      users: bundle.users,
      tls: tlsServerOptions(bundle) as { key: string; cert: string },
    });
    const agent = new Agent({ ca: bundle.caCert });
    try {
      expect(tls.url).toMatch(/^https:/);
      const registry = new SchemaRegistry({
        host: tls.url.replace('127.0.0.1', 'localhost'),
        agent,
        auth: { username: 'replay', password: password('replay') },
      });
      const { id } = await register(registry);
      expect(await registry.getLatestSchemaId('metrics-value')).toBe(id);
      const anonymous = new SchemaRegistry({
        host: tls.url.replace('127.0.0.1', 'localhost'),
        agent,
        retry: { retries: 0 },
      });
      await expect(anonymous.getLatestSchemaId('metrics-value')).rejects.toMatchObject({ status: 401 });
    } finally {
      agent.destroy();
      await tls.close();
    }
  });
});
