import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSecurityBundle, type SecurityBundle, tlsServerOptions } from '@meterstream/security';
import { testLogger } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KsqlRestServer, startKsqlRestServer } from '../../src/index.js';
import { EngineBackedTestService } from './engine-backed-test-service.js';
import { KsqldbClient } from './rest-test-helpers.js';

/**
 * The `ksqldb-client` npm package over TLS with Basic auth, as against the secured stack's ksql
 * server: it takes a CA as `authorization.ssl.ca` (passed to http2.connect) and an `https://` host.
 * Its 1.0.5 cannot log in as published (it reads the credentials from a field its constructor never
 * sets, and its `Authorization` value ends in a space, a header HTTP/2 servers drop):
 * patches/ksqldb-client+1.0.5.patch fixes both (README "Security").
 */
const create = (name: string) =>
  `CREATE STREAM ${name} (ID INT KEY, NAME STRING) WITH (kafka_topic='${name.toLowerCase()}', partitions=1, value_format='JSON');`;
const dir = mkdtempSync(join(tmpdir(), 'ksql-client-tls-'));
let bundle: SecurityBundle;
let server: KsqlRestServer;

beforeAll(async () => {
  bundle = await ensureSecurityBundle(dir);
  server = await startKsqlRestServer(new EngineBackedTestService(), {
    port: 0,
    logger: testLogger(),
    tls: tlsServerOptions(bundle),
    users: bundle.users,
  });
}, 60_000);
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Its typings demand a client certificate too; the package passes each field to http2.connect,
 * where empty cert/key mean none (the server asks for no client certificate).
 */
const trustStackCa = () => ({ ssl: { ca: bundle.caCert, cert: '', key: '' } });
const password = (user: string) => bundle.users.find((u) => u.username === user)!.password;

/** A client trusting the stack CA and logging in as `user`. */
function login(user: string, secret = password(user)): KsqldbClient {
  const authorization = { ...trustStackCa(), username: user, password: secret };
  return new KsqldbClient({ host: 'https://localhost', port: server.port, authorization });
}

describe('ksqldb-client over TLS', () => {
  it('runs a statement over HTTP/2 + TLS trusting the stack CA, logged in with Basic auth', async () => {
    const client = login('ksql');
    await client.connect();
    try {
      const result = await client.executeStatement(create('S1'));
      expect(result.status).toBe(200);
    } finally {
      await client.disconnect();
    }
  });

  it('refuses no credentials, a wrong password and an unknown user with 401, running nothing', async () => {
    const anonymous = new KsqldbClient({
      host: 'https://localhost',
      port: server.port,
      authorization: trustStackCa(),
    });
    for (const client of [anonymous, login('ksql', 'wrong-password'), login('mallory', password('ksql'))]) {
      await client.connect();
      try {
        expect((await client.executeStatement(create('REFUSED'))).status).toBe(401);
      } finally {
        await client.disconnect();
      }
    }
    const admin = login('admin');
    await admin.connect();
    try {
      const listed = await admin.listStreams();
      expect(JSON.stringify(listed)).toContain('S1');
      expect(JSON.stringify(listed)).not.toContain('REFUSED');
    } finally {
      await admin.disconnect();
    }
  });

  it('fails to connect without the CA, and the server keeps serving', async () => {
    const untrusting = new KsqldbClient({ host: 'https://localhost', port: server.port, timeout: 5000 });
    // the package logs its connection errors to the console; the rejection is what matters here
    const quiet = console.error;
    console.error = () => {};
    try {
      await expect(untrusting.connect()).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    } finally {
      console.error = quiet;
    }
    const client = login('ksql');
    await client.connect();
    expect((await client.executeStatement(create('S2'))).status).toBe(200);
    await client.disconnect();
  });
});
