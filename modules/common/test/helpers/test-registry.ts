import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SchemaRegistryServer, startSchemaRegistry } from '@meterstream/broker';
import { testLogger } from '@meterstream/test-support';
import { afterAll, beforeAll } from 'vitest';

/** The embedded Schema Registry of a test file over TCP, and its REST calls as a client makes them. */
export interface TestRegistry {
  readonly url: string;
  /** POSTs `body` as JSON and returns the parsed answer (whatever its status). */
  post(path: string, body: unknown): Promise<Record<string, unknown>>;
  /** PUTs `body` as JSON and returns the HTTP status. */
  put(path: string, body: unknown): Promise<number>;
}

const REGISTRY_JSON = 'application/vnd.schemaregistry.v1+json';

/** Starts a registry in a temporary directory before the file's tests and removes both after. */
export function useTestRegistry(prefix: string): TestRegistry {
  let registry: SchemaRegistryServer | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    registry = await startSchemaRegistry({ port: 0, dataDir: dir, logger: testLogger('registry') });
  });
  afterAll(async () => {
    await registry?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const send = (method: string, path: string, body: unknown) =>
    fetch(`${registry!.url}${path}`, {
      method,
      headers: { 'content-type': REGISTRY_JSON },
      body: JSON.stringify(body),
    });
  return {
    get url() {
      return registry!.url;
    },
    post: async (path, body) => (await (await send('POST', path, body)).json()) as Record<string, unknown>,
    put: async (path, body) => (await send('PUT', path, body)).status,
  };
}
