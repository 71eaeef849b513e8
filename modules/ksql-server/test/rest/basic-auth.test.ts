import type { UserCredential } from '@meterstream/security';
import { testLogger } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKsqlRestServer } from '../../src/index.js';
import { EngineBackedTestService } from './engine-backed-test-service.js';
import { h1Request, KsqldbClient } from './rest-test-helpers.js';

const CREATE_S =
  "CREATE STREAM S (ID INT KEY, NAME STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');";
const users: UserCredential[] = [
  { username: 'ksql', password: 'ksql-pw', access: 'write' },
  { username: 'serving', password: 'serving-pw', access: 'read' },
];
const service = new EngineBackedTestService();
let server: Awaited<ReturnType<typeof startKsqlRestServer>>;

beforeAll(async () => {
  server = await startKsqlRestServer(service, { port: 0, logger: testLogger(), users });
});
afterAll(async () => {
  await server.close();
});

/**
 * A statement as ksqlDB's clients send it: with credentials over HTTP/1.1 with Basic auth (the
 * `ksqldb-client` npm package logs in over HTTP/2 + TLS in ksqldb-client-tls.test.ts; here it is
 * the anonymous client).
 */
async function asUser(authorization: { username: string; password: string }, statement: string) {
  const header = `Basic ${Buffer.from(`${authorization.username}:${authorization.password}`).toString('base64')}`;
  const res = await h1Request(server, 'POST', '/ksql', JSON.stringify({ ksql: statement }), {
    authorization: header,
  });
  return { status: res.status, body: JSON.parse(res.text) as unknown };
}
async function anonymous(statement: string) {
  const client = new KsqldbClient({ host: '127.0.0.1', port: server.port });
  await client.connect();
  try {
    return await client.executeStatement(statement);
  } finally {
    await client.disconnect();
  }
}
const streams = async () => {
  const res = await h1Request(server, 'POST', '/ksql', JSON.stringify({ ksql: 'LIST STREAMS;' }), {
    authorization: `Basic ${Buffer.from('ksql:ksql-pw').toString('base64')}`,
  });
  expect(res.status).toBe(200);
  return JSON.stringify(JSON.parse(res.text));
};

describe('ksqlDB REST with Basic auth', () => {
  it('refuses no credentials, a wrong password and an unknown user with 401, running nothing', async () => {
    expect((await anonymous(CREATE_S)).status).toBe(401);
    for (const auth of [
      { username: 'ksql', password: 'wrong' },
      { username: 'mallory', password: 'ksql-pw' },
    ]) {
      const result = await asUser(auth, CREATE_S);
      expect(result.status, JSON.stringify(auth)).toBe(401);
      expect(result.body).toMatchObject({ error_code: 40100 });
    }
    expect(await streams()).not.toContain('"S"');
    const raw = await h1Request(server, 'GET', '/info');
    expect(raw.status).toBe(401);
    expect(raw.headers['www-authenticate']).toMatch(/^Basic realm="KsqlServer"/);
    expect(JSON.parse(raw.text)).toEqual({
      '@type': 'generic_error',
      error_code: 40100,
      message: 'Unauthorized',
    });
  });

  it('refuses a read-only user a statement with 403 / 40300; the ksql user runs it', async () => {
    const denied = await asUser({ username: 'serving', password: 'serving-pw' }, CREATE_S);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({
      '@type': 'generic_error',
      error_code: 40300,
      message: 'User serving is not permitted to perform this operation',
    });
    expect(await streams()).not.toContain('"S"');
    const created = await asUser({ username: 'ksql', password: 'ksql-pw' }, CREATE_S);
    expect(created.status).toBe(200);
    expect(await streams()).toContain('"S"');
    const info = await h1Request(server, 'GET', '/info', undefined, {
      authorization: `Basic ${Buffer.from('serving:serving-pw').toString('base64')}`,
    });
    expect(info.status).toBe(200);
  });
});
