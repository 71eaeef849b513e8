import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserCredential } from '@meterstream/security';
import { testLogger } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.js';

const users: UserCredential[] = [{ username: 'prometheus', password: 'scrape-pw', access: 'read' }];
const dir = mkdtempSync(join(tmpdir(), 'broker-metrics-auth-'));
let running: RunningBroker;
let server: Server;
let url = '';

beforeAll(async () => {
  running = await startBroker({ port: 0, dataDir: join(dir, 'kafka'), logger: testLogger() });
  const served = await running.broker.metrics.serve('127.0.0.1', 0, { users });
  server = served.server;
  url = `http://127.0.0.1:${served.port}/metrics`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await running.close();
  rmSync(dir, { recursive: true, force: true });
});

const basic = (auth: string) => ({ authorization: `Basic ${Buffer.from(auth).toString('base64')}` });

describe('broker /metrics with Basic auth', () => {
  it('answers 401 with the challenge to no, wrong and unknown credentials; the listed user scrapes', async () => {
    for (const headers of [{}, basic('prometheus:wrong'), basic('nobody:scrape-pw')]) {
      const res = await fetch(url, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="metrics"/);
      expect(await res.text()).not.toContain('kafka_requests_total');
    }
    const ok = await fetch(url, { headers: basic('prometheus:scrape-pw') });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('kafka_requests_total');
  });
});
