import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type SchemaRegistryServer, startSchemaRegistry } from '@meterstream/broker';
import {
  basicAuthHeaders,
  createSchemaRegistry,
  loadConfig,
  setHttpsCa,
  trustedFetch,
} from '@meterstream/common';
import { type S3Server, startS3Server } from '@meterstream/s3-server';
import { ensureSecurityBundle, httpsServerOptions, type SecurityBundle } from '@meterstream/security';
import { testLogger } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../src/index.js';

// A data directory as `up --secure` leaves it, with the registry and S3 served over HTTPS: the
// clients built from loadConfig must trust the stack CA with nothing else configured.
const dir = mkdtempSync(join(tmpdir(), 'ms-https-clients-'));
const logger = testLogger();
const metricAvsc = readFileSync(resolve(import.meta.dirname, '../../common/schemas/metric.avsc'), 'utf8');
let bundle: SecurityBundle;
let registry: SchemaRegistryServer;
let s3: S3Server;

beforeAll(async () => {
  bundle = await ensureSecurityBundle(dir);
  const tls = await httpsServerOptions({ dataDir: dir });
  registry = await startSchemaRegistry({
    port: 0,
    dataDir: join(dir, 'registry'),
    logger,
    users: bundle.users,
    tls,
  });
  s3 = await startS3Server({
    port: 0,
    dataDir: join(dir, 's3'),
    bucket: 'meterstream',
    fsync: false,
    keys: bundle.users.map((u) => ({ accessKeyId: u.username, secretAccessKey: u.password })),
    tls,
    logger,
  });
  writeFileSync(
    join(bundle.paths.dir, 'stack.json'),
    JSON.stringify({
      kafkaSaslMechanism: 'scram-sha-512',
      endpoints: {
        METERSTREAM_KAFKA_BROKERS: '127.0.0.1:1',
        // the certificate names localhost (and 127.0.0.1)
        METERSTREAM_SCHEMA_REGISTRY_URL: registry.url.replace('127.0.0.1', 'localhost'),
        METERSTREAM_S3_ENDPOINT: s3.endpoint,
        METERSTREAM_S3_BUCKET: 'meterstream',
      },
    }),
    { mode: 0o600 },
  );
}, 60_000);
afterAll(async () => {
  await registry?.close();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('clients of a secured stack served over HTTPS', () => {
  it('createS3Client and createSchemaRegistry trust the stack CA that loadConfig recorded', async () => {
    const config = loadConfig({ _: ['sink', 's3'] }, { METERSTREAM_DATA_DIR: dir });
    expect(config.s3.endpoint).toMatch(/^https:/);
    const client = createS3Client(config.s3);
    await client.send(new PutObjectCommand({ Bucket: 'meterstream', Key: 'k', Body: 'v' }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'meterstream', Key: 'k' }));
    expect(await got.Body?.transformToString()).toBe('v');
    client.destroy();
    const { id } = await createSchemaRegistry(config.schemaRegistryUrl!).register(
      // SchemaType.AVRO is 'AVRO': its package is common's dependency, not this module's
      { type: 'AVRO' as never, schema: metricAvsc },
      { subject: 'metrics-value' },
    );
    expect(id).toBeGreaterThan(0);
    // the fetch-based clients (ksql's registry client, the ksql CLI, the dashboard) through trustedFetch
    const subjects = await trustedFetch(`${config.schemaRegistryUrl}/subjects`, {
      headers: basicAuthHeaders(config.schemaRegistryUrl!),
    });
    expect(subjects.status).toBe(200);
    expect(await subjects.json()).toContain('metrics-value');
    // Node's global fetch has no CA option: the same request without trustedFetch is refused
    await expect(fetch(`${config.schemaRegistryUrl}/subjects`)).rejects.toThrow();
  });

  it('without the recorded CA the same clients refuse the certificate (no silent fallback)', async () => {
    const config = loadConfig({ _: ['sink', 's3'] }, { METERSTREAM_DATA_DIR: dir });
    setHttpsCa(config.s3.endpoint!, undefined);
    setHttpsCa(config.schemaRegistryUrl!, undefined);
    const client = createS3Client({ ...config.s3 });
    await expect(client.send(new GetObjectCommand({ Bucket: 'meterstream', Key: 'k' }))).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
    client.destroy();
    await expect(
      createSchemaRegistry(config.schemaRegistryUrl!).getLatestSchemaId('metrics-value'),
    ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    const refused = await trustedFetch(`${config.schemaRegistryUrl}/subjects`).catch(
      (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
    );
    expect(refused).toMatch(/self[- ]signed|unable to verify|certificate/i);
  });
});
