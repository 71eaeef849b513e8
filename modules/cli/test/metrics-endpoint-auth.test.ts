import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureSecurityBundle,
  type MetricsEndpoint,
  type SecurityBundle,
  serveMetrics,
  tlsServerOptions,
} from '@meterstream/security';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'metrics-auth-'));
let bundle: SecurityBundle;
let endpoint: MetricsEndpoint;
const registry = new Registry();
new Counter({ name: 'test_scrapes_total', help: 'a counter to find', registers: [registry] }).inc(3);

beforeAll(async () => {
  bundle = await ensureSecurityBundle(root);
  endpoint = await serveMetrics(registry, 0, { users: bundle.users, tls: tlsServerOptions(bundle) });
});
afterAll(async () => {
  await endpoint.close();
  rmSync(root, { recursive: true, force: true });
});

/** A scrape as Prometheus does it with `basic_auth` and `tls_config.ca_file`. */
function scrape(auth?: string): Promise<{ status: number; challenge?: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port: endpoint.port,
        path: '/metrics',
        ca: bundle.caCert,
        headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {},
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'], text }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('/metrics with HTTPS and Basic auth', () => {
  it('refuses no credentials, a wrong password and an unknown user with 401 and the challenge', async () => {
    const admin = bundle.users.find((u) => u.username === 'admin')!;
    for (const auth of [undefined, `admin:${admin.password}x`, `nobody:${admin.password}`]) {
      const res = await scrape(auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.challenge).toMatch(/^Basic realm="metrics"/);
      expect(res.text).not.toContain('test_scrapes_total');
    }
  });

  it('serves the metrics to a listed user', async () => {
    const serving = bundle.users.find((u) => u.username === 'serving')!;
    const res = await scrape(`serving:${serving.password}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('test_scrapes_total 3');
  });
});
