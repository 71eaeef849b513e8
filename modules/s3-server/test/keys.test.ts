import { readdirSync } from 'node:fs';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, type Fixture, s3Failure, startFixture } from './helpers/fixture.js';

/** Sends the command with this exact (already percent-encoded) request path, signed by the SDK. */
function withRawPath<T extends { middlewareStack: { add: (...args: never[]) => void } }>(
  command: T,
  path: string,
): T {
  (command.middlewareStack.add as (m: unknown, o: unknown) => void)(
    (next: (args: { request: { path: string } }) => unknown) => (args: { request: { path: string } }) => {
      args.request.path = path;
      return next(args);
    },
    { step: 'build', priority: 'low' },
  );
  return command;
}

const STORED_AS_IS = [
  '..',
  '.',
  '../../escape.txt',
  '../x',
  'a/../../../../tmp/escape',
  '/leading/slash',
  'double//slash',
  'trailing/',
  'back\\slash\\..\\..\\x',
  'percent%2F..%2Fx',
  'control\u0001char',
  'space and + plus',
  '日本語/キー',
  '\u{1F600}/emoji',
  'k'.repeat(1024),
  `${'é'.repeat(511)}ab`, // 1,024 bytes of UTF-8
];

describe('object keys never become paths', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('keys', { fsync: false });
  });
  afterAll(() => f?.stop());

  it('stores traversal-looking and unusual keys as those exact keys, inside the data directory', async () => {
    for (const key of STORED_AS_IS) {
      await f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `body of ${key}` }));
      const got = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(await got.Body!.transformToString()).toBe(`body of ${key}`);
    }
    const listed = await f.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents!.map((c) => c.Key).sort()).toEqual([...STORED_AS_IS].sort());
    expect(readdirSync(f.root)).toEqual(['data']);
  });

  it('a PUT to the raw path ..%2F..%2Fx stores the key ../../x and writes nothing outside', async () => {
    await f.s3.send(
      withRawPath(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'placeholder', Body: 'raw' }),
        `/${BUCKET}/..%2F..%2Fx`,
      ),
    );
    await f.s3.send(
      withRawPath(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'placeholder', Body: 'raw2' }),
        `/${BUCKET}/../../y`,
      ),
    );
    const x = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: '../../x' }));
    expect(await x.Body!.transformToString()).toBe('raw');
    const y = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: '../../y' }));
    expect(await y.Body!.transformToString()).toBe('raw2');
    expect(await s3Failure(f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'placeholder' })))).toEqual({
      code: 'NoSuchKey',
      status: 404,
    });
    expect(readdirSync(f.root)).toEqual(['data']);
  });

  it('rejects with 400 a key over 1,024 bytes, a NUL, and invalid UTF-8 in the path', async () => {
    expect(
      await s3Failure(f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k'.repeat(1025), Body: 'x' }))),
    ).toEqual({
      code: 'KeyTooLongError',
      status: 400,
    });
    expect(
      await s3Failure(
        f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${'é'.repeat(512)}a`, Body: 'x' })),
      ),
    ).toEqual({ code: 'KeyTooLongError', status: 400 });
    expect(
      await s3Failure(f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'nul\0byte', Body: 'x' }))),
    ).toEqual({
      code: 'InvalidArgument',
      status: 400,
    });
    expect(
      await s3Failure(
        f.s3.send(
          withRawPath(
            new PutObjectCommand({ Bucket: BUCKET, Key: 'placeholder', Body: 'x' }),
            `/${BUCKET}/bad%FFutf8`,
          ),
        ),
      ),
    ).toEqual({ code: 'InvalidArgument', status: 400 });
    const listed = await f.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'k'.repeat(1025) }));
    expect(listed.KeyCount).toBe(0);
  });

  it('deletes odd keys one by one and in a DeleteObjects batch', async () => {
    await f.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: '..' }));
    const result = await f.s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: ['../../x', '../../y', '日本語/キー', 'never-existed'].map((Key) => ({ Key })) },
      }),
    );
    expect(result.Deleted!.map((d) => d.Key).sort()).toEqual(
      ['../../x', '../../y', 'never-existed', '日本語/キー'].sort(),
    );
    const keys = (await f.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents!.map((c) => c.Key);
    for (const gone of ['..', '../../x', '../../y', '日本語/キー']) expect(keys).not.toContain(gone);
    expect(keys).toContain('.');
  });
});
