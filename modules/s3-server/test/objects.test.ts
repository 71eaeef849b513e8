import {
  CopyObjectCommand,
  GetObjectCommand,
  type GetObjectCommandInput,
  HeadBucketCommand,
  HeadObjectCommand,
  type HeadObjectCommandInput,
  ListBucketsCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketLocationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, type Fixture, s3Failure, startFixture } from './helpers/fixture.js';

const BODY = '0123456789abcdefghijklmnopqrstuvwxyz'; // 36 bytes

describe('GET ranges, conditional GET and PUT', () => {
  let f: Fixture;
  let etag: string;
  beforeAll(async () => {
    f = await startFixture('objects', { fsync: false });
    etag = (
      await f.s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'r.txt',
          Body: BODY,
          ContentType: 'text/plain',
          Metadata: { origin: 'test' },
        }),
      )
    ).ETag!;
  });
  afterAll(() => f?.stop());

  const get = async (Range?: string) => {
    const out = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'r.txt', Range }));
    return { body: await out.Body!.transformToString(), range: out.ContentRange, length: out.ContentLength };
  };

  it('serves byte ranges: closed, open-ended, suffix (a Parquet footer read), clipped', async () => {
    expect(await get('bytes=0-4')).toEqual({ body: '01234', range: 'bytes 0-4/36', length: 5 });
    expect(await get('bytes=30-')).toEqual({ body: 'uvwxyz', range: 'bytes 30-35/36', length: 6 });
    expect(await get('bytes=-8')).toEqual({ body: 'stuvwxyz', range: 'bytes 28-35/36', length: 8 });
    expect(await get('bytes=-100')).toEqual({ body: BODY, range: 'bytes 0-35/36', length: 36 });
    expect(await get('bytes=34-99')).toEqual({ body: 'yz', range: 'bytes 34-35/36', length: 2 });
    expect(await get()).toEqual({ body: BODY, range: undefined, length: 36 });
  });

  it('answers an unsatisfiable range 416 InvalidRange', async () => {
    expect(await s3Failure(get('bytes=36-'))).toEqual({ code: 'InvalidRange', status: 416 });
    expect(await s3Failure(get('bytes=-0'))).toEqual({ code: 'InvalidRange', status: 416 });
  });

  it('returns stored metadata and headers', async () => {
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'r.txt' }));
    expect(head).toMatchObject({
      ContentType: 'text/plain',
      ContentLength: 36,
      ETag: etag,
      Metadata: { origin: 'test' },
    });
  });

  it('honours If-Match / If-None-Match / If-Modified-Since on GET', async () => {
    type Conditions = Omit<GetObjectCommandInput & HeadObjectCommandInput, 'Bucket' | 'Key'>;
    const get = (conditions: Conditions) =>
      f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'r.txt', ...conditions }));
    const head = (conditions: Conditions) =>
      f.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'r.txt', ...conditions }));
    expect(await s3Failure(get({ IfMatch: '"nope"' }))).toEqual({ code: 'PreconditionFailed', status: 412 });
    const matched = await get({ IfMatch: etag });
    expect(await matched.Body!.transformToString()).toBe(BODY);
    expect(await s3Failure(get({ IfNoneMatch: etag }))).toMatchObject({ status: 304 });
    const inAMinute = new Date(Date.now() + 60_000);
    expect(await s3Failure(head({ IfModifiedSince: inAMinute }))).toMatchObject({ status: 304 });
    const anHourAgo = new Date(Date.now() - 3_600_000);
    expect(await s3Failure(head({ IfUnmodifiedSince: anHourAgo }))).toMatchObject({ status: 412 });
  });

  it('If-None-Match: * makes PUT an idempotent create: 412 when the key exists, one winner among racers', async () => {
    await f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'once', Body: 'first', IfNoneMatch: '*' }));
    expect(
      await s3Failure(
        f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'once', Body: 'second', IfNoneMatch: '*' })),
      ),
    ).toEqual({ code: 'PreconditionFailed', status: 412 });
    const kept = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'once' }));
    expect(await kept.Body!.transformToString()).toBe('first');

    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        f.s3.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: 'raced', Body: `writer ${i}`, IfNoneMatch: '*' }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    const stored = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'raced' }));
    expect(await stored.Body!.transformToString()).toBe(`writer ${winner}`);
  });

  it('If-Match on PUT replaces only the expected version', async () => {
    const v1 = await f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cas', Body: 'v1' }));
    const v2 = await f.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'cas', Body: 'v2', IfMatch: v1.ETag }),
    );
    expect(
      await s3Failure(
        f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cas', Body: 'v3', IfMatch: v1.ETag })),
      ),
    ).toEqual({
      code: 'PreconditionFailed',
      status: 412,
    });
    const now = await f.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'cas' }));
    expect(now.ETag).toBe(v2.ETag);
  });

  it('copies objects, and manages buckets (create, head, location, list, delete only when empty)', async () => {
    await f.s3.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'r-copy.txt', CopySource: `${BUCKET}/r.txt` }),
    );
    const copy = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'r-copy.txt' }));
    expect(await copy.Body!.transformToString()).toBe(BODY);
    expect(copy.Metadata).toEqual({ origin: 'test' });

    await f.s3.send(new CreateBucketCommand({ Bucket: 'second-bucket' }));
    expect(await s3Failure(f.s3.send(new CreateBucketCommand({ Bucket: 'second-bucket' })))).toMatchObject({
      status: 409,
    });
    expect(await s3Failure(f.s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toMatchObject({
      status: 400,
    });
    await f.s3.send(new HeadBucketCommand({ Bucket: 'second-bucket' }));
    expect(
      (await f.s3.send(new GetBucketLocationCommand({ Bucket: 'second-bucket' }))).LocationConstraint,
    ).toBeUndefined();
    const names = (await f.s3.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name);
    expect(names).toEqual(['second-bucket', BUCKET]);
    expect(await s3Failure(f.s3.send(new DeleteBucketCommand({ Bucket: BUCKET })))).toEqual({
      code: 'BucketNotEmpty',
      status: 409,
    });
    await f.s3.send(new DeleteBucketCommand({ Bucket: 'second-bucket' }));
    expect(await s3Failure(f.s3.send(new HeadBucketCommand({ Bucket: 'second-bucket' })))).toMatchObject({
      status: 404,
    });
    expect(await s3Failure(f.s3.send(new GetObjectCommand({ Bucket: 'second-bucket', Key: 'x' })))).toEqual({
      code: 'NoSuchBucket',
      status: 404,
    });
  });
});
