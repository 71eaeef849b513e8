import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, runUp, waitForProcess } from './helpers/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-s3-'));
const running: CliProcess[] = [];
afterAll(async () => {
  for (const p of running) {
    p.kill('SIGKILL');
    await p.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function client(endpoint: string, accessKeyId: string, secretAccessKey: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
}

describe('the embedded S3 server from the CLI', () => {
  it('`meterstream up` prints the S3 endpoint with the key pair it accepts, and exports it', async () => {
    const up = runUp(join(dir, 'up'));
    running.push(up);
    await waitForProcess(
      up,
      'the stack to be up',
      () => up.output().includes('Ctrl-C stops everything.'),
      90_000,
    );
    const output = up.output();
    expect(output).toMatch(
      /S3 +http:\/\/127\.0\.0\.1:\d+ \(bucket meterstream; access key id meterstream, secret meterstream-secret\)/,
    );
    expect(output).toContain('export METERSTREAM_S3_ACCESS_KEY_ID=meterstream');
    expect(output).toContain('export METERSTREAM_S3_SECRET_ACCESS_KEY=meterstream-secret');
    const endpoint = /export METERSTREAM_S3_ENDPOINT=(\S+)/.exec(output)![1];
    const s3 = client(endpoint, 'meterstream', 'meterstream-secret');
    await s3.send(new PutObjectCommand({ Bucket: 'meterstream', Key: 'hello', Body: 'from up' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'meterstream', Key: 'hello' }));
    expect(await got.Body!.transformToString()).toBe('from up');
    s3.destroy();
    up.kill('SIGTERM');
    expect(await up.exited).toBe(0);
  });

  it('`meterstream s3-server` serves the configured bucket with the configured key pair only', async () => {
    const server = runCli(['s3-server', '--port', '0'], {
      METERSTREAM_DATA_DIR: join(dir, 'alone'),
      METERSTREAM_S3_BUCKET: 'lake',
      METERSTREAM_S3_ACCESS_KEY_ID: 'custom-id',
      METERSTREAM_S3_SECRET_ACCESS_KEY: 'custom-secret',
    });
    running.push(server);
    await waitForProcess(
      server,
      'the server to listen',
      () => /listening on http/.test(server.output()),
      60_000,
    );
    const endpoint = /listening on (http:\/\/\S+)/.exec(server.output())![1];
    const s3 = client(endpoint, 'custom-id', 'custom-secret');
    await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'k', Body: 'v' }));
    const defaults = client(endpoint, 'meterstream', 'meterstream-secret');
    await expect(defaults.send(new GetObjectCommand({ Bucket: 'lake', Key: 'k' }))).rejects.toMatchObject({
      name: 'InvalidAccessKeyId',
    });
    s3.destroy();
    defaults.destroy();
    server.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
