import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestKafka, type TestLake, startTestKafka, startTestLake } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_MAIN } from './helpers/cli-process.js';

/**
 * kafkajs' partitioner warning and the AWS SDK's Node-version warning were printed on every run of
 * the commands that build those clients; the CLI handles both once, in code (known-warnings.ts).
 * `sink s3` builds both a kafkajs producer and an S3 client.
 */
let kafka: TestKafka;
let lake: TestLake;
let dir: string;

beforeAll(async () => {
  [kafka, lake] = await Promise.all([startTestKafka(), startTestLake()]);
  await kafka.admin.createTopics({ topics: [{ topic: 'metrics', numPartitions: 1 }] });
  dir = mkdtempSync(join(tmpdir(), 'known-warnings-'));
}, 60_000);

afterAll(async () => {
  await Promise.all([kafka?.close(), lake?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('meterstream sink s3', () => {
  it('prints neither the kafkajs partitioner warning nor the AWS SDK Node-version warning', async () => {
    // The variables that silence them are removed: the test runner sets one itself.
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.KAFKAJS_NO_PARTITIONER_WARNING;
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    Object.assign(env, {
      METERSTREAM_KAFKA_BROKERS: kafka.broker.bootstrap,
      METERSTREAM_SCHEMA_REGISTRY_URL: kafka.registry.url,
      METERSTREAM_S3_ENDPOINT: lake.settings.endpoint,
      METERSTREAM_S3_BUCKET: lake.settings.bucket,
      METERSTREAM_S3_ACCESS_KEY_ID: lake.settings.accessKeyId,
      METERSTREAM_S3_SECRET_ACCESS_KEY: lake.settings.secretAccessKey,
      METERSTREAM_DATA_DIR: dir,
      METERSTREAM_LOG_LEVEL: 'info',
    });
    const child = spawn(process.execPath, [CLI_MAIN, 'sink', 's3'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    // Running: it has connected its consumer and producer and built its S3 client.
    while (!output.includes('s3 sink running') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    child.kill('SIGTERM');
    await exited;
    expect(output).toContain('s3 sink running');
    expect(output).not.toContain('switched default partitioner');
    expect(output).not.toContain('NodeVersionSupportWarning');
  }, 90_000);
});
