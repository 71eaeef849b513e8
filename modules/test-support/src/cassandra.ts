import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CqlServer, type CqlServerOptions, startCqlServer } from '@meterstream/cql-server';
import cassandra from 'cassandra-driver';
import { testLogger } from './test-logger.js';

export interface TestCassandra {
  endpoint: { contactPoints: string[]; localDataCenter: string };
  contactPoints: string[];
  /** A connected driver client (after `prepare`, when given). */
  client: cassandra.Client;
  /** Another client with default options (for concurrency and driver-visible effects). */
  newClient(): cassandra.Client;
  close(): Promise<void>;
}

/**
 * The embedded CQL server on a free port with a fresh data directory, plus a connected driver
 * client; `prepare` (e.g. persistence's applyMigrations) runs on that client before it is returned.
 */
export async function startTestCassandra(
  prepare?: (client: cassandra.Client) => Promise<unknown>,
): Promise<TestCassandra> {
  const dataDir = mkdtempSync(join(tmpdir(), 'test-cql-'));
  const server = await startCqlServer({ port: 0, dataDir, logger: testLogger('cql-server') });
  const contactPoints = [`${server.host}:${server.port}`];
  const endpoint = { contactPoints, localDataCenter: 'datacenter1' };
  const clients: cassandra.Client[] = [];
  const newClient = () => {
    const client = new cassandra.Client(endpoint);
    clients.push(client);
    return client;
  };
  const client = newClient();
  await client.connect();
  if (prepare) await prepare(client);
  return {
    endpoint,
    contactPoints,
    client,
    newClient,
    async close() {
      await Promise.all(clients.map((c) => c.shutdown()));
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The bootstrap superuser of startCqlAuthServer. */
export const CQL_SUPERUSER = { username: 'admin', password: 'admin-secret-1' };

/**
 * The embedded CQL server with logins on (PasswordAuthenticator, CassandraAuthorizer) and the
 * bootstrap superuser CQL_SUPERUSER, on a free port with the given data directory; `options` add
 * to it (e.g. `tls` from selfSignedCert) or change it.
 */
export function startCqlAuthServer(
  dataDir: string,
  options: Partial<CqlServerOptions> = {},
): Promise<CqlServer> {
  return startCqlServer({
    port: 0,
    dataDir,
    logger: testLogger('cql-server'),
    authenticator: 'PasswordAuthenticator',
    superuser: CQL_SUPERUSER,
    ...options,
  });
}
