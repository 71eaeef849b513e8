import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BasicAuthenticator,
  FAILED_LOGIN_DELAY_MS,
  basicAuthHeader,
  httpBasicAuthGuard,
  plainTextError,
} from '../src/index.js';

/**
 * A failed login is answered only after FAILED_LOGIN_DELAY_MS (Kafka's
 * connection.failed.authentication.delay.ms), without holding up anyone else: over TCP with
 * Node's own HTTP client against a guarded server.
 */
let server: Server;
let url: string;
beforeAll(async () => {
  const auth = new BasicAuthenticator([{ username: 'reader', password: 'right-password', access: 'read' }]);
  const guard = httpBasicAuthGuard(auth, plainTextError);
  server = createServer((req, res) => {
    if (!guard(req, res, req.method === 'GET' ? 'read' : 'write')) return;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function timed(init: RequestInit = {}): Promise<{ status: number; ms: number; body: string }> {
  const t0 = performance.now();
  const response = await fetch(url, init);
  const body = await response.text();
  return { status: response.status, ms: performance.now() - t0, body };
}

describe('failed-login delay', () => {
  it('a wrong password and an unknown user get their 401 after the delay; a good login meanwhile at once', async () => {
    const wrong = timed({ headers: { authorization: basicAuthHeader('reader', 'guess') } });
    const unknown = timed({ headers: { authorization: basicAuthHeader('nobody', 'guess') } });
    const good = await timed({ headers: { authorization: basicAuthHeader('reader', 'right-password') } });
    expect(good).toMatchObject({ status: 200, body: 'ok' });
    expect(good.ms).toBeLessThan(FAILED_LOGIN_DELAY_MS);
    for (const refused of await Promise.all([wrong, unknown])) {
      expect(refused.status).toBe(401);
      expect(refused.ms).toBeGreaterThanOrEqual(FAILED_LOGIN_DELAY_MS - 5);
    }
  });

  it('no credentials (the first try before the challenge) and a 403 are answered without delay', async () => {
    const missing = await timed();
    expect(missing.status).toBe(401);
    expect(missing.ms).toBeLessThan(FAILED_LOGIN_DELAY_MS);
    const forbidden = await timed({
      method: 'POST',
      headers: { authorization: basicAuthHeader('reader', 'right-password') },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.ms).toBeLessThan(FAILED_LOGIN_DELAY_MS);
  });

  it('a client that leaves during the delay does not harm the server', async () => {
    const controller = new AbortController();
    const left = fetch(url, {
      headers: { authorization: basicAuthHeader('reader', 'guess') },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 10);
    await expect(left).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, FAILED_LOGIN_DELAY_MS + 20));
    const good = await timed({ headers: { authorization: basicAuthHeader('reader', 'right-password') } });
    expect(good.status).toBe(200);
  });
});
