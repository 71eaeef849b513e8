import { X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  APP_ROLES,
  assertCertificateNames,
  ensureSecurityBundle,
  loadSecurityBundle,
  rotatePasswords,
  SecurityBundleError,
  serverNames,
  tlsServerOptions,
} from '../src/index.js';

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});
async function dataDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'security-bundle-'));
  roots.push(root);
  return root;
}

describe('ensureSecurityBundle', () => {
  it('generates a CA, a server certificate and one user per role, owner-only, and loads them later', async () => {
    const dir = await dataDir();
    const bundle = await ensureSecurityBundle(dir);
    expect((await stat(bundle.paths.dir)).mode & 0o777).toBe(0o700);
    for (const file of ['caCert', 'caKey', 'serverCert', 'serverKey', 'credentials'] as const) {
      expect((await stat(bundle.paths[file])).mode & 0o777, file).toBe(0o600);
    }
    expect(bundle.users.map((u) => u.username).sort()).toEqual(['admin', ...APP_ROLES].sort());
    expect(bundle.users.find((u) => u.username === 'admin')?.access).toBe('admin');
    expect(new Set(bundle.users.map((u) => u.password)).size).toBe(bundle.users.length);

    const ca = new X509Certificate(bundle.caCert);
    const server = new X509Certificate(bundle.serverCert);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    // what clients of `up --host 0.0.0.0` use: this host's name and its interfaces' addresses
    const names = serverNames();
    expect(names.dns).toContain(hostname());
    for (const address of Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((a) => !a.internal && !a.address.toLowerCase().startsWith('fe80:'))
      .map((a) => a.address)) {
      expect(server.checkIP(address), address).toBe(address);
    }
    expect(server.checkHost(hostname())).toBe(hostname());
    expect(() =>
      assertCertificateNames(bundle.serverCert, '127.0.0.1', bundle.paths.serverCert),
    ).not.toThrow();
    expect(() => assertCertificateNames(bundle.serverCert, '[::1]', bundle.paths.serverCert)).not.toThrow();
    expect(() => assertCertificateNames(bundle.serverCert, '203.0.113.9', bundle.paths.serverCert)).toThrow(
      SecurityBundleError,
    );
    expect(() =>
      assertCertificateNames(bundle.serverCert, 'elsewhere.example', bundle.paths.serverCert),
    ).toThrow(/not valid for elsewhere\.example/);

    const again = await ensureSecurityBundle(dir);
    expect(again.users).toEqual(bundle.users);
    expect(again.serverCert).toBe(bundle.serverCert);
  });

  it('rotatePasswords gives new passwords, keeps the certificates, and the file says so', async () => {
    const dir = await dataDir();
    const before = await ensureSecurityBundle(dir);
    const after = await rotatePasswords(dir, ['sink']);
    const pw = (b: typeof before, name: string) => b.users.find((u) => u.username === name)?.password;
    expect(pw(after, 'sink')).not.toBe(pw(before, 'sink'));
    expect(pw(after, 'admin')).toBe(pw(before, 'admin'));
    expect((await loadSecurityBundle(dir)).users).toEqual(after.users);
    expect(after.serverCert).toBe(before.serverCert);
    expect((await stat(after.paths.credentials)).mode & 0o777).toBe(0o600);
    const all = await rotatePasswords(dir);
    expect(pw(all, 'admin')).not.toBe(pw(after, 'admin'));
    await expect(rotatePasswords(dir, ['nobody'])).rejects.toThrow(/no such user/);
  });

  it('refuses a bundle whose key file others may read', async () => {
    const dir = await dataDir();
    const bundle = await ensureSecurityBundle(dir);
    await chmod(bundle.paths.serverKey, 0o644);
    await expect(loadSecurityBundle(dir)).rejects.toThrow(SecurityBundleError);
    await expect(loadSecurityBundle(dir)).rejects.toThrow(/server\.key/);
  });

  it('serves HTTPS that a client trusting only the CA verifies for localhost and 127.0.0.1', async () => {
    const bundle = await ensureSecurityBundle(await dataDir());
    const server = createHttpsServer(tlsServerOptions(bundle), (_req, res) => res.end('ok'));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as AddressInfo;
    const get = (host: string, ca?: string) =>
      new Promise<string>((ok, fail) => {
        const req = httpsRequest(
          { host: '127.0.0.1', servername: host === '127.0.0.1' ? undefined : host, port, ca },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => ok(text));
          },
        );
        req.on('error', fail);
        req.end();
      });
    try {
      expect(await get('localhost', bundle.caCert)).toBe('ok');
      expect(await get('127.0.0.1', bundle.caCert)).toBe('ok');
      await expect(get('localhost')).rejects.toThrow(/self-signed|unable to (get|verify)/i);
    } finally {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
    // The CA key never appears in what servers are given.
    expect(JSON.stringify(tlsServerOptions(bundle))).not.toContain(
      await readFile(bundle.paths.caKey, 'utf8'),
    );
  });
});
