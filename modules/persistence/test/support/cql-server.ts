import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCqlServer } from '@meterstream/cql-server';
import cassandra from 'cassandra-driver';

export interface TestCassandra {
  endpoint: { contactPoints: string[]; localDataCenter: string };
  client: cassandra.Client;
  /** Another client with default options (for concurrency and driver-visible effects). */
  newClient(): cassandra.Client;
  stop(): Promise<void>;
}

/** The embedded CQL server on a free port with a fresh data directory, plus a connected driver client. */
export async function startTestCassandra(): Promise<TestCassandra> {
  const dataDir = mkdtempSync(join(tmpdir(), 'persistence-cql-'));
  const server = await startCqlServer({ port: 0, dataDir });
  const endpoint = { contactPoints: [`${server.host}:${server.port}`], localDataCenter: 'datacenter1' };
  const clients: cassandra.Client[] = [];
  const newClient = () => {
    const client = new cassandra.Client(endpoint);
    clients.push(client);
    return client;
  };
  const client = newClient();
  await client.connect();
  return {
    endpoint,
    client,
    newClient,
    async stop() {
      await Promise.all(clients.map((c) => c.shutdown()));
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
