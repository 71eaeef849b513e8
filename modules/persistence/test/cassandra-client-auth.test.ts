import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@meterstream/common';
import type { CqlServer } from '@meterstream/cql-server';
import { CQL_SUPERUSER as ADMIN, selfSignedCert, startCqlAuthServer } from '@meterstream/test-support';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCassandraClient } from '../src/cassandra-client.js';
import { applyMigrations } from '../src/schema.js';

/** The apps' Cassandra client, built from the config loader, against a server with logins and TLS. */
describe('createCassandraClient with credentials and TLS from the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'persistence-auth-'));
  /** The server certificate, which the clients trust as their CA. */
  let certFile = '';
  const credentialsFile = join(dir, 'cassandra.credentials');
  let server: CqlServer;

  beforeAll(async () => {
    const { cert, key, certFile: file } = selfSignedCert(dir);
    certFile = file;
    server = await startCqlAuthServer(join(dir, 'data'), { tls: { cert, key } });
    const admin = createCassandraClient(
      loadConfig(
        { 'cassandra-contact-points': `127.0.0.1:${server.port}`, 'cassandra-tls-ca': certFile },
        {
          METERSTREAM_CASSANDRA_USERNAME: ADMIN.username,
          METERSTREAM_CASSANDRA_PASSWORD: ADMIN.password,
        },
      ).cassandra,
    );
    try {
      await admin.execute("CREATE ROLE writer WITH PASSWORD = 'writer-pw' AND LOGIN = true");
      await admin.execute('GRANT ALL PERMISSIONS ON ALL KEYSPACES TO writer');
    } finally {
      await admin.shutdown();
    }
    writeFileSync(credentialsFile, '# the writer app\nusername=writer\npassword=writer-pw\n', {
      mode: 0o600,
    });
  }, 60_000);
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with the credentials file over TLS and runs the migrations', async () => {
    const config = loadConfig(
      {
        'cassandra-contact-points': `127.0.0.1:${server.port}`,
        'cassandra-credentials-file': credentialsFile,
        'cassandra-tls-ca': certFile,
      },
      {},
    );
    expect(config.cassandra.credentials?.username).toBe('writer');
    const client = createCassandraClient(config.cassandra);
    try {
      await applyMigrations(client, { keyspace: 'secured' });
      const tables = await client.execute(
        "SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'secured'",
      );
      expect(tables.rowLength).toBeGreaterThan(0);
    } finally {
      await client.shutdown();
    }
  });

  it('without credentials the same endpoint refuses the client (AuthenticationError)', async () => {
    const config = loadConfig(
      { 'cassandra-contact-points': `127.0.0.1:${server.port}`, 'cassandra-tls-ca': certFile },
      {},
    );
    expect(config.cassandra.credentials).toBeUndefined();
    const client = createCassandraClient(config.cassandra);
    try {
      const error = await client.connect().then(
        () => undefined,
        (e: unknown) => e as cassandra.errors.NoHostAvailableError,
      );
      expect(error?.name).toBe('NoHostAvailableError');
      expect((Object.values(error?.innerErrors ?? {})[0] as Error | undefined)?.name).toBe(
        'AuthenticationError',
      );
    } finally {
      await client.shutdown();
    }
  });
});
