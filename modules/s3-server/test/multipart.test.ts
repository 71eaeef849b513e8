import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server } from '../src/index.js';
import {
  BUCKET,
  type Fixture,
  newClient,
  s3Failure,
  testLog,
  startFixture,
  tempRoot,
} from './helpers/fixture.js';

const MiB = 1024 * 1024;

function md5(data: Buffer): Buffer {
  return createHash('md5').update(data).digest();
}

describe('multipart uploads', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('multipart', { fsync: false });
  });
  afterAll(() => f?.stop());

  async function create(key: string): Promise<string> {
    return (
      await f.s3.send(
        new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: 'application/x-test' }),
      )
    ).UploadId!;
  }
  async function part(key: string, uploadId: string, n: number, body: Buffer): Promise<string> {
    return (
      await f.s3.send(
        new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber: n, Body: body }),
      )
    ).ETag!;
  }

  it('create / upload / list-parts / complete: the object is the parts in order, with a -N ETag', async () => {
    const parts = [Buffer.alloc(5 * MiB, 1), Buffer.alloc(5 * MiB, 2), Buffer.from('tail')];
    const id = await create('mp/object');
    const etags = [];
    for (const [i, body] of parts.entries()) etags.push(await part('mp/object', id, i + 1, body));
    expect(etags[0]).toBe(`"${md5(parts[0]).toString('hex')}"`);

    const first = await f.s3.send(
      new ListPartsCommand({ Bucket: BUCKET, Key: 'mp/object', UploadId: id, MaxParts: 2 }),
    );
    expect(first.Parts!.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 5 * MiB, etags[0]],
      [2, 5 * MiB, etags[1]],
    ]);
    expect(first.IsTruncated).toBe(true);
    const rest = await f.s3.send(
      new ListPartsCommand({
        Bucket: BUCKET,
        Key: 'mp/object',
        UploadId: id,
        PartNumberMarker: first.NextPartNumberMarker,
      }),
    );
    expect(rest.Parts!.map((p) => p.PartNumber)).toEqual([3]);
    const uploads = await f.s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect(uploads.Uploads!.map((u) => u.UploadId)).toContain(id);

    const done = await f.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'mp/object',
        UploadId: id,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const expected = `"${md5(Buffer.concat(parts.map(md5))).toString('hex')}-3"`;
    expect(done.ETag).toBe(expected);
    const got = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mp/object' }));
    expect(got.ETag).toBe(expected);
    expect(got.ContentType).toBe('application/x-test');
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true);
    expect(
      await s3Failure(f.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'mp/object', UploadId: id }))),
    ).toEqual({
      code: 'NoSuchUpload',
      status: 404,
    });
  });

  it('enforces the AWS rules: parts under 5 MiB (not last), unknown or mismatched parts, order', async () => {
    const id = await create('mp/rules');
    const small = await part('mp/rules', id, 1, Buffer.alloc(1024, 1));
    const big = await part('mp/rules', id, 2, Buffer.alloc(5 * MiB, 2));
    const last = await part('mp/rules', id, 3, Buffer.from('end'));
    const complete = (Parts: { ETag: string; PartNumber: number }[]) =>
      f.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'mp/rules',
          UploadId: id,
          MultipartUpload: { Parts },
        }),
      );
    const refusedWith = async (code: string, ...Parts: { ETag: string; PartNumber: number }[]) =>
      expect(await s3Failure(complete(Parts)), code).toEqual({ code, status: 400 });
    // Completions refused: a part under 5 MiB not last, a part never uploaded, an ETag not the part's, disorder.
    await refusedWith('EntityTooSmall', { ETag: small, PartNumber: 1 }, { ETag: last, PartNumber: 3 });
    await refusedWith('InvalidPart', { ETag: big, PartNumber: 2 }, { ETag: big, PartNumber: 4 });
    await refusedWith('InvalidPart', { ETag: small, PartNumber: 2 }, { ETag: last, PartNumber: 3 });
    await refusedWith('InvalidPartOrder', { ETag: last, PartNumber: 3 }, { ETag: big, PartNumber: 2 });
    expect(await s3Failure(part('mp/rules', id, 10_001, Buffer.from('x')))).toMatchObject({ status: 400 });
    // A part may be the only one below 5 MiB when it is last: 2 + 3 completes.
    const ok = await complete([
      { ETag: big, PartNumber: 2 },
      { ETag: last, PartNumber: 3 },
    ]);
    expect(ok.ETag).toMatch(/-2"$/);
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'mp/rules' }));
    expect(head.ContentLength).toBe(5 * MiB + 3);
  });

  it('abort drops the upload and its parts; the key never appears', async () => {
    const id = await create('mp/aborted');
    await part('mp/aborted', id, 1, Buffer.alloc(1000, 3));
    await f.s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/aborted', UploadId: id }));
    expect(
      await s3Failure(f.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'mp/aborted', UploadId: id }))),
    ).toEqual({
      code: 'NoSuchUpload',
      status: 404,
    });
    expect(
      await s3Failure(
        f.s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/aborted', UploadId: id })),
      ),
    ).toEqual({ code: 'NoSuchUpload', status: 404 });
    expect(await s3Failure(part('mp/aborted', id, 2, Buffer.from('x')))).toEqual({
      code: 'NoSuchUpload',
      status: 404,
    });
    expect(
      await s3Failure(f.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'mp/aborted' }))),
    ).toMatchObject({ status: 404 });
  });

  it('If-None-Match: * on CompleteMultipartUpload refuses to replace an existing key', async () => {
    const id = await create('mp/object');
    const etag = await part('mp/object', id, 1, Buffer.from('only part'));
    expect(
      await s3Failure(
        f.s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: BUCKET,
            Key: 'mp/object',
            UploadId: id,
            IfNoneMatch: '*',
            MultipartUpload: { Parts: [{ ETag: etag, PartNumber: 1 }] },
          }),
        ),
      ),
    ).toEqual({ code: 'PreconditionFailed', status: 412 });
  });

  it('an upload in progress survives a restart of the server', async () => {
    const root = tempRoot('multipart-restart');
    const dataDir = join(root, 'data');
    let server = await startS3Server({ port: 0, dataDir, bucket: BUCKET, fsync: false, logger: testLog });
    let s3 = newClient(server);
    const id = (await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/restart' })))
      .UploadId!;
    const etag = (
      await s3.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: 'mp/restart',
          UploadId: id,
          PartNumber: 1,
          Body: 'kept',
        }),
      )
    ).ETag!;
    s3.destroy();
    await server.close();
    server = await startS3Server({ port: 0, dataDir, logger: testLog });
    s3 = newClient(server);
    const parts = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'mp/restart', UploadId: id }));
    expect(parts.Parts!.map((p) => [p.PartNumber, p.ETag])).toEqual([[1, etag]]);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'mp/restart',
        UploadId: id,
        MultipartUpload: { Parts: [{ ETag: etag, PartNumber: 1 }] },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mp/restart' }));
    expect(await got.Body!.transformToString()).toBe('kept');
    s3.destroy();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('@aws-sdk/lib-storage Upload of a stream splits into parts and completes', async () => {
    const data = Buffer.alloc(12 * MiB);
    for (let i = 0; i < data.length; i += 4096) data[i] = i % 251;
    const { Readable } = await import('node:stream');
    const upload = new Upload({
      client: f.s3,
      params: {
        Bucket: BUCKET,
        Key: 'mp/lib-storage',
        Body: Readable.from([data.subarray(0, 7 * MiB), data.subarray(7 * MiB)]),
      },
    });
    const result = await upload.done();
    expect(result.ETag).toMatch(/-3"$/);
    const got = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mp/lib-storage' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });
});
