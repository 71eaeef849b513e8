import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { type S3Server, type S3ServerOptions, startS3Server } from '../../src/index.js';

export const BUCKET = 'test-bucket';
export const testLog = testLogger();

export interface Fixture {
  server: S3Server;
  s3: S3Client;
  /** Parent of the data directory: nothing may ever be written here except `data/`. */
  root: string;
  dataDir: string;
  client(overrides?: Partial<S3ClientConfig>): S3Client;
  stop(): Promise<void>;
}

export function tempRoot(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `s3-${prefix}-`));
}

/** A client for `endpoint` with the SDK's defaults (checksums, retries), path-style as for any non-AWS endpoint. */
export function newClient(server: S3Server, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    ...overrides,
  });
}

/** In-process server on a free port with a fresh data directory, plus a client. */
export async function startFixture(prefix: string, options: Partial<S3ServerOptions> = {}): Promise<Fixture> {
  const root = tempRoot(prefix);
  const dataDir = join(root, 'data');
  const server = await startS3Server({ port: 0, dataDir, bucket: BUCKET, logger: testLog, ...options });
  const clients: S3Client[] = [];
  const client = (overrides: Partial<S3ClientConfig> = {}) => {
    const c = newClient(server, overrides);
    clients.push(c);
    return c;
  };
  return {
    server,
    s3: client(),
    root,
    dataDir,
    client,
    async stop() {
      for (const c of clients) c.destroy();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Every file under `dir`, as paths relative to it. */
export function filesUnder(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, base))) {
    const path = base ? `${base}/${name}` : name;
    if (statSync(join(dir, path)).isDirectory()) out.push(...filesUnder(dir, path));
    else out.push(path);
  }
  return out;
}

/** The error an SDK call fails with: its S3 code and HTTP status. */
export async function s3Failure(p: Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
  try {
    await p;
  } catch (error) {
    const e = error as { name: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.Code ?? e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
