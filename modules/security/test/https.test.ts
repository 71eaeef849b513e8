import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BasicAuthenticator,
  basicAuthHeader,
  createHttpOrHttpsServer,
  ensureSecurityBundle,
  errorCodeJson,
  httpBasicAuthGuard,
  httpsServerOptions,
  readStackCa,
  stackCaPath,
  trustingHttpsAgent,
  type SecurityBundle,
} from '../src/index.js';
import type { Server } from 'node:http';

let dir = '';
let bundle: SecurityBundle;
let server: Server;
let port = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ms-https-'));
  bundle = await ensureSecurityBundle(dir);
  const auth = new BasicAuthenticator(bundle.users, 'test realm');
  const guard = httpBasicAuthGuard(auth, errorCodeJson({ unauthorized: 40101, forbidden: 40301 }));
  server = createHttpOrHttpsServer(await httpsServerOptions({ dataDir: dir }), (req, res) => {
    if (guard(req, res, 'read')) res.end('ok');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as AddressInfo).port;
}, 60_000);
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  await rm(dir, { recursive: true, force: true });
});

function get(options: { ca?: string; authorization?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        path: '/',
        agent: options.ca ? trustingHttpsAgent(options.ca) : undefined,
        headers: options.authorization ? { authorization: options.authorization } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS from the security dir', () => {
  it('serves Basic-auth requests over TLS to a client trusting only the stack CA', async () => {
    const ca = await readStackCa(dir);
    expect(ca).toBe(bundle.caCert);
    const admin = bundle.users.find((u) => u.access === 'admin')!;
    const ok = await get({ ca, authorization: basicAuthHeader(admin.username, admin.password) });
    expect(ok).toEqual({ status: 200, body: 'ok' });
  });

  it('rejects a wrong password with 401 over TLS', async () => {
    const admin = bundle.users.find((u) => u.access === 'admin')!;
    const denied = await get({ ca: bundle.caCert, authorization: basicAuthHeader(admin.username, 'wrong') });
    expect(denied.status).toBe(401);
  });

  it('refuses a client that does not trust the stack CA', async () => {
    await expect(get({})).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('closes plain HTTP to the TLS port cleanly and keeps serving', async () => {
    const plain = new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end();
    });
    expect(await plain).toMatch(/ECONNRESET|socket hang up|EPIPE/);
    const admin = bundle.users.find((u) => u.access === 'admin')!;
    expect(
      (await get({ ca: bundle.caCert, authorization: basicAuthHeader(admin.username, admin.password) }))
        .status,
    ).toBe(200);
  });

  it('reads no CA where there is no bundle, and names the CA file of one', async () => {
    expect(await readStackCa(join(dir, 'nowhere'))).toBeUndefined();
    expect(stackCaPath(dir)).toBe(join(dir, 'security', 'ca.crt'));
  });
});
