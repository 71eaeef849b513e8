import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBroker, startTestBroker } from './helpers/broker.js';
import { plainLogin, RawConnection } from './helpers/raw-sasl-client.js';

/** Frame-level SASL behaviour over SASL_PLAINTEXT, with a bare socket. */
describe('SASL framing and the unauthenticated state (raw frames)', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({
      securityProtocol: 'SASL_PLAINTEXT',
      saslUsers: [{ user: 'alice', password: 'alice-secret' }],
      failedAuthenticationDelayMs: 0,
    });
  });
  afterAll(async () => {
    await b?.close();
  });

  it('any API but ApiVersions / SaslHandshake / SaslAuthenticate before authentication closes the connection', async () => {
    const conn = await RawConnection.open(b.port);
    const versions = await conn.request<{ errorCode: number; apiKeys: { apiKey: number }[] }>(18, 0, {});
    expect(versions).not.toBe('closed');
    if (versions === 'closed') return;
    expect(versions.apiKeys.map((k) => k.apiKey)).toEqual(expect.arrayContaining([17, 36]));
    expect(await conn.request(3, 1, { topics: null })).toBe('closed');
    expect(b.broker.topics.list()).toEqual([]);
  });

  it('an unknown mechanism: UNSUPPORTED_SASL_MECHANISM with the enabled ones, then closed', async () => {
    const conn = await RawConnection.open(b.port);
    const hs = await conn.request<{ errorCode: number; mechanisms: string[] }>(17, 1, {
      mechanism: 'GSSAPI',
    });
    expect(hs).toEqual({ errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    await conn.waitClosed();
  });

  it('a wrong password: SASL_AUTHENTICATION_FAILED (58) with a message, then the connection is closed', async () => {
    const { answer, conn } = await plainLogin(b.port, 'alice', 'nope');
    expect(answer).not.toBe('closed');
    if (answer === 'closed') return;
    expect(answer.errorCode).toBe(58);
    expect(answer.errorMessage).toMatch(/Invalid username or password/);
    await conn.waitClosed();
  });

  it('a right password: the connection may then send any request', async () => {
    const { answer, conn } = await plainLogin(b.port, 'alice', 'alice-secret');
    expect(answer).toMatchObject({ errorCode: 0 });
    const md = await conn.request<{ topics: unknown[] }>(3, 1, { topics: null });
    expect(md).not.toBe('closed');
    conn.close();
  });

  it('SaslHandshake v0: the PLAIN token goes as a bare frame and gets a bare (empty) answer', async () => {
    const conn = await RawConnection.open(b.port);
    const hs = await conn.request<{ errorCode: number }>(17, 0, { mechanism: 'PLAIN' });
    expect(hs).toMatchObject({ errorCode: 0 });
    const answer = await conn.rawToken(Buffer.from('\0alice\0alice-secret'));
    expect(answer).toEqual(Buffer.alloc(0));
    const md = await conn.request<{ topics: unknown[] }>(3, 1, { topics: null });
    expect(md).not.toBe('closed');
    conn.close();

    const bad = await RawConnection.open(b.port);
    await bad.request(17, 0, { mechanism: 'PLAIN' });
    expect(await bad.rawToken(Buffer.from('\0alice\0wrong'))).toBe('closed');
  });
});
