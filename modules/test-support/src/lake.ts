import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { type MeterstreamConfig, loadConfig } from '@meterstream/common';
import { type S3Server, startS3Server } from '@meterstream/s3-server';
import { testLogger } from './test-logger.js';

export const BUCKET = 'meterstream-test';

export interface TestLake {
  server: S3Server;
  /** A plain SDK client (path style, checksums only where S3 requires them), not the code under test. */
  s3: S3Client;
  dir: string;
  settings: MeterstreamConfig['s3'];
  close(): Promise<void>;
}

/** The embedded S3 server in a fresh temporary directory, with bucket BUCKET, and a client for it. */
export async function startTestLake(): Promise<TestLake> {
  const dir = mkdtempSync(join(tmpdir(), 'test-s3-'));
  // fsync off: these tests stop the sink, never the S3 server's machine.
  const server = await startS3Server({
    port: 0,
    dataDir: dir,
    bucket: BUCKET,
    fsync: false,
    logger: testLogger(),
  });
  const settings = {
    endpoint: server.endpoint,
    bucket: BUCKET,
    region: 'us-east-1',
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    forcePathStyle: true,
  };
  const s3 = new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    server,
    s3,
    dir,
    settings,
    async close() {
      s3.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A config pointing at the given endpoints, logging nothing (everything else: defaults). */
export function testConfig(endpoints: {
  s3?: MeterstreamConfig['s3'];
  brokers?: string[];
  registryUrl?: string | null;
  cassandra?: string[];
}): MeterstreamConfig {
  const config = loadConfig({}, {});
  return {
    ...config,
    logLevel: 'silent',
    kafka: { ...config.kafka, brokers: endpoints.brokers ?? config.kafka.brokers },
    schemaRegistryUrl: endpoints.registryUrl === undefined ? config.schemaRegistryUrl : endpoints.registryUrl,
    s3: endpoints.s3 ?? config.s3,
    cassandra: { ...config.cassandra, contactPoints: endpoints.cassandra ?? config.cassandra.contactPoints },
  };
}
