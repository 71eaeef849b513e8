import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { waitFor } from '@meterstream/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { BUCKET, filesUnder, s3Failure, tempRoot } from './helpers/fixture.js';

const MAIN = resolve(import.meta.dirname, '../dist/main.js');

interface Child {
  process: ChildProcess;
  s3: S3Client;
  endpoint: string;
}

/** The built server as a child process (fsync on, as in production), and a client for it. */
async function spawnServer(dataDir: string): Promise<Child> {
  const child = spawn(
    process.execPath,
    [MAIN, '--port', '0', '--data-dir', dataDir, '--bucket', BUCKET, '--log-level', 'warn'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const endpoint = await new Promise<string>((resolveLine, reject) => {
    child.once('exit', (code) => reject(new Error(`s3 server exited (${code}) before listening`)));
    lines.once('line', (line) => resolveLine((JSON.parse(line) as { endpoint: string }).endpoint));
  });
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'meterstream', secretAccessKey: 'meterstream-secret' },
  });
  return { process: child, s3, endpoint };
}

describe('a SIGKILL during a PUT', () => {
  const root = tempRoot('crash');
  const dataDir = join(root, 'data');
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of children) {
      c.s3.destroy();
      if (c.process.exitCode === null && c.process.signalCode === null) {
        c.process.kill('SIGKILL');
        await new Promise((r) => c.process.once('exit', r));
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('leaves no partial object: the old version or nothing, and no temporary file, after a restart', async () => {
    const first = await spawnServer(dataDir);
    children.push(first);
    await first.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'replaced', Body: 'version 1' }));

    // Two large uploads, stopped after 1 MiB of 64 MiB: one replaces an object, one creates a key.
    const pending = [];
    for (const key of ['replaced', 'created']) {
      const url = new URL(
        await getSignedUrl(first.s3, new PutObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 300 }),
      );
      const req = request(url, { method: 'PUT', headers: { 'Content-Length': 64 * 1024 * 1024 } });
      req.on('error', () => undefined); // the server dies mid-request
      req.write(Buffer.alloc(1024 * 1024, 0x41));
      pending.push(req);
    }
    const tmp = join(dataDir, '_tmp');
    await waitFor(
      'both uploads to be on disk',
      () => {
        const sizes = readdirSync(tmp).map((f) => statSync(join(tmp, f)).size);
        return sizes.filter((s) => s >= 1024 * 1024).length >= 2 || undefined;
      },
      30_000,
    );
    first.process.kill('SIGKILL');
    await new Promise((r) => first.process.once('exit', r));
    for (const req of pending) req.destroy();

    const second = await spawnServer(dataDir);
    children.push(second);
    const got = await second.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'replaced' }));
    expect(await got.Body!.transformToString()).toBe('version 1');
    expect(await s3Failure(second.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'created' })))).toEqual(
      {
        code: 'NoSuchKey',
        status: 404,
      },
    );
    const listed = await second.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents!.map((c) => [c.Key, c.Size])).toEqual([['replaced', 9]]);
    expect(readdirSync(tmp)).toEqual([]);
    // One metadata file and one data file per object, nothing else left behind.
    const objectFiles = filesUnder(join(dataDir, '_buckets', BUCKET, 'objects'));
    expect(objectFiles.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(objectFiles.filter((f) => f.endsWith('.data'))).toHaveLength(1);
  });
});
