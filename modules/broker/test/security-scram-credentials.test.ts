import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBroker, startTestBroker } from './helpers/broker.js';
import { plainLogin, type RawConnection } from './helpers/raw-sasl-client.js';

interface AlterAnswer {
  results: { user: string; errorCode: number; errorMessage: string | null }[];
}
interface DescribeAnswer {
  errorCode: number;
  results: {
    user: string;
    errorCode: number;
    credentialInfos: { mechanism: number; iterations: number }[];
  }[];
}

const SHA512 = 2;
const upsert = (name: string, password: string, iterations = 4096) => {
  const salt = randomBytes(24);
  return {
    name,
    mechanism: SHA512,
    iterations,
    salt,
    saltedPassword: pbkdf2Sync(password, salt, iterations, 64, 'sha512'),
  };
};

/** Describe/AlterUserScramCredentials (50/51) over raw frames: no client we have sends them. */
describe('SCRAM credential APIs', () => {
  let b: TestBroker;
  const options = {
    securityProtocol: 'SASL_PLAINTEXT' as const,
    saslUsers: [
      { user: 'admin', password: 'admin-secret' },
      { user: 'alice', password: 'alice-secret' },
    ],
    authorizer: 'acl' as const,
    superUsers: ['User:admin'],
    failedAuthenticationDelayMs: 0,
    keepData: true,
  };
  const open: RawConnection[] = [];
  const login = async (user: string, password: string) => {
    const { answer, conn } = await plainLogin(b.port, user, password);
    open.push(conn);
    return { ok: answer !== 'closed' && answer.errorCode === 0, conn };
  };
  beforeAll(async () => {
    b = await startTestBroker(options);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await b?.close();
    if (b) rmSync(b.dataDir, { recursive: true, force: true });
  });

  it('a super user adds, describes and deletes credentials; errors per user as Kafka', async () => {
    const { ok, conn } = await login('admin', 'admin-secret');
    expect(ok).toBe(true);
    const altered = await conn.request<AlterAnswer>(51, 0, {
      deletions: [{ name: 'nobody', mechanism: SHA512 }],
      upsertions: [
        upsert('carol', 'carol-secret'),
        upsert('dave', 'dave-secret', 100),
        { ...upsert('erin', 'x'), mechanism: 9 },
      ],
    });
    expect(altered).not.toBe('closed');
    if (altered === 'closed') return;
    const byUser = Object.fromEntries(altered.results.map((r) => [r.user, r.errorCode]));
    expect(byUser).toEqual({ nobody: 91, carol: 0, dave: 93, erin: 33 });

    const described = await conn.request<DescribeAnswer>(50, 0, { users: null });
    if (described === 'closed') throw new Error('closed');
    expect(described.errorCode).toBe(0);
    expect(described.results.map((r) => r.user)).toEqual(['admin', 'alice', 'carol']);
    expect(described.results.find((r) => r.user === 'carol')?.credentialInfos).toEqual([
      { mechanism: SHA512, iterations: 4096 },
    ]);
    const one = await conn.request<DescribeAnswer>(50, 0, { users: [{ name: 'dave' }, { name: 'alice' }] });
    if (one === 'closed') throw new Error('closed');
    expect(one.results.map((r) => [r.user, r.errorCode])).toEqual([
      ['dave', 91],
      ['alice', 0],
    ]);

    // carol logs in with the password whose salted form was sent (PLAIN checks it against it)
    expect((await login('carol', 'carol-secret')).ok).toBe(true);
    expect((await login('carol', 'wrong')).ok).toBe(false);
  });

  it('without ALTER / DESCRIBE on the cluster: CLUSTER_AUTHORIZATION_FAILED and nothing changes', async () => {
    const { conn } = await login('alice', 'alice-secret');
    const altered = await conn.request<AlterAnswer>(51, 0, {
      deletions: [{ name: 'admin', mechanism: SHA512 }],
      upsertions: [],
    });
    expect(altered).toEqual({
      throttleTimeMs: 0,
      results: [{ user: 'admin', errorCode: 31, errorMessage: null }],
    });
    const described = await conn.request<DescribeAnswer>(50, 0, { users: null });
    expect(described).toMatchObject({ errorCode: 31, results: [] });
    expect((await login('admin', 'admin-secret')).ok).toBe(true);
  });

  it('credentials survive a restart; a deleted one no longer logs in', async () => {
    await b.close();
    b = await startTestBroker({ ...options, dataDir: b.dataDir, saslUsers: [] });
    expect((await login('carol', 'carol-secret')).ok).toBe(true);
    const { conn } = await login('admin', 'admin-secret');
    const altered = await conn.request<AlterAnswer>(51, 0, {
      deletions: [{ name: 'carol', mechanism: SHA512 }],
      upsertions: [],
    });
    expect(altered).toMatchObject({ results: [{ user: 'carol', errorCode: 0 }] });
    expect((await login('carol', 'carol-secret')).ok).toBe(false);
  });
});
