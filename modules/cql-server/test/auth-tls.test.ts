import { rmSync } from 'node:fs';
import { CQL_SUPERUSER, selfSignedCert, startCqlAuthServer } from '@meterstream/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import type { CqlServer } from '../src/index.js';
import { authClient, connectError, withClient } from './helpers/auth-fixture.js';
import { tempDir } from './helpers/fixture.js';

describe('TLS on the native protocol (client_encryption_options), with PasswordAuthenticator', () => {
  const dataDir = tempDir('auth-tls');
  const certDir = tempDir('auth-tls-cert');
  let server: CqlServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(certDir, { recursive: true, force: true });
  });

  it('serves cassandra-driver over TLS (self-signed cert trusted via sslOptions.ca) and refuses plain-text and untrusting clients', async () => {
    const { cert, key } = selfSignedCert(certDir);
    server = await startCqlAuthServer(dataDir, { tls: { cert, key } });
    const sslOptions = { ca: [cert], host: '127.0.0.1', rejectUnauthorized: true };
    const local = await withClient(
      server.port,
      CQL_SUPERUSER,
      async (c) => {
        await c.execute(
          "CREATE KEYSPACE s WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        );
        await c.execute('CREATE TABLE s.t (k int PRIMARY KEY, v text)');
        await c.execute('INSERT INTO s.t (k, v) VALUES (?, ?)', [1, 'over tls'], { prepare: true });
        return (await c.execute('SELECT v FROM s.t WHERE k = 1')).first().get('v');
      },
      { sslOptions },
    );
    expect(local).toBe('over tls');

    // A TLS client with a wrong password is still refused by the authenticator.
    const wrong = await connectError(
      authClient(server.port, { username: CQL_SUPERUSER.username, password: 'no' }, { sslOptions }),
    );
    expect(wrong.inner.message).toContain('and/or password are incorrect');
    // A plain-text client does not get a CQL answer at all.
    const plain = await connectError(
      authClient(server.port, CQL_SUPERUSER, { socketOptions: { connectTimeout: 3000 } }),
    );
    expect(plain.name).toBe('NoHostAvailableError');
    // A client that does not trust the certificate refuses the server.
    const untrusting = await connectError(
      authClient(server.port, CQL_SUPERUSER, { sslOptions: { rejectUnauthorized: true } }),
    );
    expect(untrusting.name).toBe('NoHostAvailableError');
    expect(String(untrusting.inner?.message)).toMatch(/self[- ]signed/i);
    // And the server keeps serving good clients.
    const rows = await withClient(
      server.port,
      CQL_SUPERUSER,
      async (c) => (await c.execute('SELECT * FROM s.t')).rowLength,
      {
        sslOptions,
      },
    );
    expect(rows).toBe(1);
  }, 60_000);
});
