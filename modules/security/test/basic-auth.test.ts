import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertSafeBind,
  BasicAuthenticator,
  basicAuthHeader,
  errorCodeJson,
  httpBasicAuthGuard,
  InsecureBindError,
  redactSecrets,
  type UserCredential,
} from '../src/index.js';

const users: UserCredential[] = [
  { username: 'admin', password: 'admin-pw', access: 'admin' },
  { username: 'serving', password: 'serving-pw', access: 'read' },
];
const auth = new BasicAuthenticator(users, 'test realm');
const guard = httpBasicAuthGuard(auth, errorCodeJson({ unauthorized: 40101, forbidden: 40301 }));
let writes = 0;
const server = createServer((req, res) => {
  if (!guard(req, res, req.method === 'GET' ? 'read' : 'admin')) return;
  if (req.method !== 'GET') writes++;
  res.end('done');
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

const call = (method: string, authorization?: string) =>
  fetch(url, { method, headers: authorization ? { authorization } : {} });

describe('httpBasicAuthGuard over HTTP', () => {
  it('answers 401 with the Basic challenge and the JSON error for no, malformed, unknown and wrong credentials', async () => {
    for (const header of [
      undefined,
      'Bearer abc',
      basicAuthHeader('nobody', 'admin-pw'),
      basicAuthHeader('admin', 'admin-pwX'),
      basicAuthHeader('admin', ''),
    ]) {
      const res = await call('POST', header);
      expect(res.status, String(header)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="test realm", charset="UTF-8"');
      expect(((await res.json()) as { error_code: number }).error_code).toBe(40101);
    }
    expect(writes).toBe(0);
  });

  it('answers 403 to a read-only user writing, and lets read and admin do what they may', async () => {
    const denied = await call('POST', basicAuthHeader('serving', 'serving-pw'));
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBeNull();
    expect(await denied.json()).toEqual({
      error_code: 40301,
      message: 'User serving is not permitted to perform this operation',
    });
    expect(writes).toBe(0);
    expect((await call('GET', basicAuthHeader('serving', 'serving-pw'))).status).toBe(200);
    expect((await call('POST', basicAuthHeader('admin', 'admin-pw'))).status).toBe(200);
    expect(writes).toBe(1);
  });

  it('accepts a password holding a colon (only the first colon splits user from password)', () => {
    const colon = new BasicAuthenticator([{ username: 'u', password: 'a:b', access: 'read' }]);
    expect(colon.authorize(basicAuthHeader('u', 'a:b'), 'read').ok).toBe(true);
    expect(colon.authorize(basicAuthHeader('u', 'a'), 'read').ok).toBe(false);
  });
});

describe('redactSecrets', () => {
  it('hides passwords, secrets, tokens and URL passwords, keeps the rest', () => {
    const config = {
      host: '0.0.0.0',
      accessKeyId: 'AKIA1',
      secretAccessKey: 's3cr3t',
      redis: { url: 'redis://sink:hunter2@127.0.0.1:6379/0', password: 'hunter2', username: 'sink' },
      users: [{ username: 'admin', password: 'pw' }],
      tls: { serverKey: '-----BEGIN PRIVATE KEY-----' },
    };
    const shown = JSON.stringify(redactSecrets(config));
    for (const secret of ['s3cr3t', 'hunter2', '"pw"', 'BEGIN PRIVATE']) expect(shown).not.toContain(secret);
    for (const kept of ['0.0.0.0', 'AKIA1', 'sink', '127.0.0.1:6379', 'admin']) expect(shown).toContain(kept);
    expect(config.secretAccessKey).toBe('s3cr3t');
  });
});

describe('assertSafeBind', () => {
  it('refuses a non-loopback bind without security unless insecure', () => {
    expect(() => assertSafeBind('s3', '0.0.0.0', { secured: false })).toThrow(InsecureBindError);
    expect(() => assertSafeBind('s3', '0.0.0.0', { secured: false, insecure: true })).not.toThrow();
    expect(() => assertSafeBind('s3', '0.0.0.0', { secured: true })).not.toThrow();
    expect(() => assertSafeBind('s3', '127.0.0.1', { secured: false })).not.toThrow();
    expect(() => assertSafeBind('s3', 'localhost', { secured: false })).not.toThrow();
  });
});
