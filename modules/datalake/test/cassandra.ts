import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCqlServer } from '@meterstream/cql-server';
import { applyMigrations } from '@meterstream/persistence';
import cassandra from 'cassandra-driver';

export interface TestCassandra {
  contactPoints: string[];
  client: cassandra.Client;
  close(): Promise<void>;
}

/** The embedded CQL server on a free port, a connected driver client, and the schema applied. */
export async function startTestCassandra(): Promise<TestCassandra> {
  const dataDir = mkdtempSync(join(tmpdir(), 'datalake-cql-'));
  const server = await startCqlServer({ port: 0, dataDir });
  const contactPoints = [`${server.host}:${server.port}`];
  const client = new cassandra.Client({ contactPoints, localDataCenter: 'datacenter1' });
  await client.connect();
  await applyMigrations(client, { keyspace: 'metrics' });
  return {
    contactPoints,
    client,
    async close() {
      await client.shutdown();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
