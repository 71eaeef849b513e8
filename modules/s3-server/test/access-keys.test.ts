import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessKey, readAccessKeysFile } from '../src/index.js';
import { BUCKET, type Fixture, startFixture, tempRoot } from './helpers/fixture.js';

const root = tempRoot('keys-file');
const keysFile = join(root, 's3-keys.json');
writeFileSync(
  keysFile,
  JSON.stringify({
    keys: [
      { accessKeyId: 'admin-key', secretAccessKey: 'admin-secret' },
      {
        accessKeyId: 'writer-key',
        secretAccessKey: 'writer-secret',
        grants: [
          { bucket: BUCKET, access: 'read' },
          { bucket: BUCKET, prefix: 'lake/', access: 'read-write' },
        ],
      },
      {
        accessKeyId: 'reader-key',
        secretAccessKey: 'reader-secret',
        grants: [{ bucket: BUCKET, access: 'read' }],
      },
    ],
  }),
);

let f: Fixture;
let keys: AccessKey[];
const as = (accessKeyId: string, secretAccessKey: string): S3Client =>
  f.client({ credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
const admin = () => as('admin-key', 'admin-secret');
const listed = async () =>
  ((await admin().send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key);
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { name: string; $metadata?: { httpStatusCode?: number } }) => [
      error.name,
      error.$metadata?.httpStatusCode,
    ],
  );

beforeAll(async () => {
  keys = await readAccessKeysFile(keysFile);
  f = await startFixture('access-keys', { fsync: false, keys });
});
afterAll(() => f?.stop());

describe('S3 access keys from a file (@aws-sdk/client-s3)', () => {
  it("accepts only the file's pairs: the default pair and an unknown key are InvalidAccessKeyId, a wrong secret SignatureDoesNotMatch", async () => {
    const put = (c: S3Client) => c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lake/a', Body: 'x' }));
    expect(await refusal(put(as('meterstream', 'meterstream-secret')))).toEqual(['InvalidAccessKeyId', 403]);
    expect(await refusal(put(as('nobody', 'admin-secret')))).toEqual(['InvalidAccessKeyId', 403]);
    expect(await refusal(put(as('writer-key', 'admin-secret')))).toEqual(['SignatureDoesNotMatch', 403]);
    expect(await listed()).toEqual([]);
  });

  it('refuses a read-only key PutObject, DeleteObject and CreateBucket with AccessDenied and writes nothing; it reads', async () => {
    const reader = as('reader-key', 'reader-secret');
    expect(
      await refusal(reader.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lake/r', Body: 'x' }))),
    ).toEqual(['AccessDenied', 403]);
    expect(await listed()).toEqual([]);
    await admin().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lake/kept', Body: 'kept' }));
    expect(await refusal(reader.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'lake/kept' })))).toEqual(
      ['AccessDenied', 403],
    );
    expect(await refusal(reader.send(new CreateBucketCommand({ Bucket: 'reader-bucket' })))).toEqual([
      'AccessDenied',
      403,
    ]);
    const got = await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'lake/kept' }));
    expect(await got.Body?.transformToString()).toBe('kept');
    expect(await listed()).toEqual(['lake/kept']);
  });

  it('confines a read-write grant to its prefix, and CopyObject to readable sources', async () => {
    const writer = as('writer-key', 'writer-secret');
    await writer.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lake/w', Body: 'w' }));
    expect(
      await refusal(writer.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other/w', Body: 'w' }))),
    ).toEqual(['AccessDenied', 403]);
    await admin().send(new CreateBucketCommand({ Bucket: 'private' }));
    await admin().send(new PutObjectCommand({ Bucket: 'private', Key: 'secret', Body: 's' }));
    const copy = (source: string) =>
      writer.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'lake/copy', CopySource: source }));
    expect(await refusal(copy('private/secret'))).toEqual(['AccessDenied', 403]);
    await copy(`${BUCKET}/lake/w`);
    expect(await listed()).toEqual(['lake/copy', 'lake/kept', 'lake/w']);
  });
});

describe('S3 access keys (boto3)', () => {
  it('wrong secret, unknown key, read-only PutObject and a write outside the prefix are refused; nothing written', async () => {
    const { stdout } = await promisify(execFile)(
      '/usr/bin/python3',
      [
        resolve(import.meta.dirname, 'fixtures/boto3_denied.py'),
        f.server.endpoint,
        BUCKET,
        JSON.stringify({
          wrong_secret: ['reader-key', 'writer-secret'],
          unknown: ['nobody', 'x'],
          reader: ['reader-key', 'reader-secret'],
          writer: ['writer-key', 'writer-secret'],
        }),
      ],
      { timeout: 60_000 },
    );
    expect(JSON.parse(stdout)).toEqual({
      wrong_secret_put: ['SignatureDoesNotMatch', 403],
      unknown_key_list: ['InvalidAccessKeyId', 403],
      reader_put: ['AccessDenied', 403],
      reader_list: 'ok',
      writer_put_outside: ['AccessDenied', 403],
      writer_put_inside: 'ok',
    });
    const keysNow = await listed();
    expect(keysNow).toContain('lake/boto-d');
    for (const absent of ['lake/boto-a', 'lake/boto-b', 'other/boto-c'])
      expect(keysNow).not.toContain(absent);
  }, 90_000);
});
