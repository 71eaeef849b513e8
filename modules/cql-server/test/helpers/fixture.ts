import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { type CqlServer, type CqlServerOptions, startCqlServer } from '../../src/index.js';

export { cassandra };

export interface Fixture {
  server: CqlServer;
  client: cassandra.Client;
  dataDir: string;
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cql-${prefix}-`));
}

/** A client with the driver's default options (only the mandatory local data center is given). */
export function newClient(port: number, keyspace?: string): cassandra.Client {
  return new cassandra.Client({
    contactPoints: [`127.0.0.1:${port}`],
    localDataCenter: 'datacenter1',
    keyspace,
  });
}

/** In-process server on a free port with a fresh data directory, plus a connected client. */
export async function startFixture(
  prefix: string,
  options: Partial<CqlServerOptions> = {},
): Promise<Fixture> {
  const dataDir = tempDir(prefix);
  const server = await startCqlServer({ port: 0, dataDir, ...options });
  const client = newClient(server.port);
  await client.connect();
  return {
    server,
    client,
    dataDir,
    async stop() {
      await client.shutdown();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createKeyspace(client: cassandra.Client, name: string): Promise<void> {
  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${name} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
}

/** Runs a statement that must fail and returns the driver's ResponseError. */
export async function failure(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: number; message: string };
  }
  throw new Error('expected the statement to fail');
}
