import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSecurityBundle, type SecurityBundle, tlsServerOptions } from '@meterstream/security';
import { testLogger } from '@meterstream/test-support';
import type { Client } from 'cassandra-driver';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServingApi, type ServingStores } from '../src/index.js';

/**
 * Only the authentication gate is under test: a request that passes it reaches the handlers,
 * which answer 400 for missing parameters before touching these (unused) stores.
 */
const unusedStores = {} as ServingStores;
const unusedCassandra = {} as Client;

const root = mkdtempSync(join(tmpdir(), 'serving-auth-'));
let bundle: SecurityBundle;
let app: FastifyInstance;
let port = 0;

beforeAll(async () => {
  bundle = await ensureSecurityBundle(root);
  app = buildServingApi({
    stores: unusedStores,
    cassandra: unusedCassandra,
    logger: testLogger(),
    users: bundle.users,
    tls: tlsServerOptions(bundle),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app.close();
  rmSync(root, { recursive: true, force: true });
});

function get(
  path: string,
  auth?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        path,
        ca: bundle.caCert,
        headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {},
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('serving API with HTTPS and Basic auth', () => {
  it('refuses no credentials, a wrong password and an unknown user with 401 and its own error JSON', async () => {
    const serving = bundle.users.find((u) => u.username === 'serving')!;
    for (const auth of [undefined, `serving:${serving.password}x`, `nobody:${serving.password}`]) {
      const res = await get('/aggregates', auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="meterstream serving"/);
      expect(res.body).toEqual({ error: 'Unauthorized', message: 'valid credentials are required' });
    }
  });

  it('lets a read-only user through to the handlers (400 for the missing parameters)', async () => {
    const serving = bundle.users.find((u) => u.username === 'serving')!;
    const res = await get('/aggregates', `serving:${serving.password}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Bad Request' });
  });
});
