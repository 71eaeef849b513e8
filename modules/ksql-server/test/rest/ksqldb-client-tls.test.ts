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
 * The `ksqldb-client` npm package over TLS: it takes a CA as `authorization.ssl.ca` (passed to
 * http2.connect) and an `https://` host. It cannot log in (1.0.5 never sends the credentials it is
 * given, see basic-auth.test.ts), so this server has no users: what is tested is that the package
 * reaches the secured stack's TLS port trusting only the stack CA, and is refused without it.
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

describe('ksqldb-client over TLS', () => {
  it('runs a statement over HTTP/2 + TLS trusting the stack CA', async () => {
    const client = new KsqldbClient({
      host: 'https://localhost',
      port: server.port,
      authorization: trustStackCa(),
    });
    await client.connect();
    try {
      const result = await client.executeStatement(create('S1'));
      expect(result.status).toBe(200);
    } finally {
      await client.disconnect();
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
    const client = new KsqldbClient({
      host: 'https://localhost',
      port: server.port,
      authorization: trustStackCa(),
    });
    await client.connect();
    expect((await client.executeStatement(create('S2'))).status).toBe(200);
    await client.disconnect();
  });
});
