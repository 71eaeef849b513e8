import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { FAILED_LOGIN_DELAY_MS } from '@meterstream/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAwsChunked } from '../src/auth/aws-chunked.js';
import { authenticate } from '../src/auth/sigv4.js';
import { BUCKET, type Fixture, s3Failure, startFixture } from './helpers/fixture.js';

describe('SigV4 over TCP with @aws-sdk/client-s3', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('auth', { fsync: false, accessKeyId: 'test-key', secretAccessKey: 'test-secret' });
    await f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc.txt', Body: 'signed content' }));
  });
  afterAll(() => f?.stop());

  it('accepts only the configured key pair', async () => {
    const wrongSecret = f.client({
      credentials: { accessKeyId: 'test-key', secretAccessKey: 'not-the-secret' },
    });
    expect(
      await s3Failure(wrongSecret.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }))),
    ).toEqual({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
    expect(
      await s3Failure(wrongSecret.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'w', Body: 'x' }))),
    ).toEqual({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
    const otherKey = f.client({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    expect(await s3Failure(otherKey.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' })))).toEqual({
      code: 'InvalidAccessKeyId',
      status: 403,
    });
    expect(await s3Failure(f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'w' })))).toEqual({
      code: 'NoSuchKey',
      status: 404,
    });
  });

  it('answers a failed login only after FAILED_LOGIN_DELAY_MS, serving a signed request meanwhile at once', async () => {
    const wrongSecret = f.client({
      credentials: { accessKeyId: 'test-key', secretAccessKey: 'not-the-secret' },
    });
    const t0 = performance.now();
    const refused = s3Failure(
      wrongSecret.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' })),
    ).then((failure) => ({ failure, ms: performance.now() - t0 }));
    const good = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }));
    expect(await good.Body?.transformToString()).toBe('signed content');
    const goodMs = performance.now() - t0;
    const { failure, ms } = await refused;
    expect(failure).toEqual({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(ms).toBeGreaterThanOrEqual(FAILED_LOGIN_DELAY_MS - 5);
    expect(goodMs).toBeLessThan(ms);
  });

  it('answers an unsigned request 403 AccessDenied', async () => {
    const res = await fetch(`${f.server.endpoint}/${BUCKET}/doc.txt`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
    const put = await fetch(`${f.server.endpoint}/${BUCKET}/unsigned.txt`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(403);
    expect(
      await s3Failure(f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'unsigned.txt' }))),
    ).toMatchObject({
      code: 'NoSuchKey',
    });
  });

  it('rejects a request signed 20 minutes off the server clock (RequestTimeTooSkewed)', async () => {
    const skewed = f.client({ systemClockOffset: -20 * 60 * 1000, maxAttempts: 1 });
    expect(await s3Failure(skewed.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' })))).toEqual({
      code: 'RequestTimeTooSkewed',
      status: 403,
    });
  });

  it('rejects a body that does not match its signed SHA-256, and stores nothing', async () => {
    const put = new PutObjectCommand({ Bucket: BUCKET, Key: 'tampered.txt', Body: 'original' });
    put.middlewareStack.add(
      (next) => (args) => {
        (args.request as { body: unknown }).body = 'tampered';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    expect(await s3Failure(f.s3.send(put))).toEqual({ code: 'XAmzContentSHA256Mismatch', status: 400 });
    expect(
      await s3Failure(f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tampered.txt' }))),
    ).toMatchObject({
      code: 'NoSuchKey',
    });
  });

  it('serves presigned GET and PUT URLs, honours X-Amz-Expires, refuses a tampered one', async () => {
    const getUrl = await getSignedUrl(f.s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }), {
      expiresIn: 60,
    });
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('signed content');

    const putUrl = await getSignedUrl(f.s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'presigned.txt' }), {
      expiresIn: 60,
    });
    expect((await fetch(putUrl, { method: 'PUT', body: 'via presigned url' })).status).toBe(200);
    const back = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'presigned.txt' }));
    expect(await back.Body!.transformToString()).toBe('via presigned url');

    const expired = await getSignedUrl(f.s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 5 * 60 * 1000),
    });
    const late = await fetch(expired);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Request has expired');

    const tampered = getUrl.replace('doc.txt', 'presigned.txt');
    const bad = await fetch(tampered);
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('verifies x-amz-checksum-crc32 of an upload (BadDigest on mismatch)', async () => {
    const putUrl = await getSignedUrl(f.s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'crc.txt' }), {
      expiresIn: 60,
    });
    const wrong = await fetch(putUrl, {
      method: 'PUT',
      body: 'hello',
      headers: { 'x-amz-checksum-crc32': 'AAAAAA==' },
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('<Code>BadDigest</Code>');
    // CRC-32 of "hello" is 0x3610a686.
    const right = await fetch(putUrl, {
      method: 'PUT',
      body: 'hello',
      headers: { 'x-amz-checksum-crc32': 'NhCmhg==' },
    });
    expect(right.status).toBe(200);
    const back = await f.s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'crc.txt', ChecksumMode: 'ENABLED' }),
    );
    expect(back.ChecksumCRC32).toBe('NhCmhg==');
    expect(await back.Body!.transformToString()).toBe('hello');
  });

  it('accepts the SDK default of streaming bodies (aws-chunked with a CRC-32 trailer)', async () => {
    const { Readable } = await import('node:stream');
    const data = Buffer.alloc(300_000, 7);
    await f.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'stream.bin',
        Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]),
        ContentLength: data.length,
      }),
    );
    const back = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'stream.bin' }));
    expect(Buffer.from(await back.Body!.transformToByteArray()).equals(data)).toBe(true);
    expect(back.ContentEncoding).toBeUndefined();
  });
});

// Known-answer vectors from the AWS S3 documentation ("Signature Calculations for the Authorization
// Header" and "Transferring Payload in Multiple Chunks"), computed by AWS, not by this code.
const DOC_SECRET = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

describe('SigV4 against the AWS documentation examples', () => {
  it('GET Object with a Range header', () => {
    const rawHeaders = [
      'Host',
      'examplebucket.s3.amazonaws.com',
      'Authorization',
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
      'Range',
      'bytes=0-9',
      'x-amz-content-sha256',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date',
      '20130524T000000Z',
    ];
    const now = Date.UTC(2013, 4, 24, 0, 1);
    const ok = authenticate({ method: 'GET', rawPath: '/test.txt', query: [], rawHeaders }, DOC_SECRET, now);
    expect(ok.payload).toEqual({
      kind: 'sha256',
      expected: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    expect(() =>
      authenticate(
        { method: 'GET', rawPath: '/test.txt', query: [], rawHeaders },
        { ...DOC_SECRET, secretAccessKey: 'x' },
        now,
      ),
    ).toThrow(/signature we calculated does not match/);
  });

  it('PUT Object in aws-chunked chunks with chained chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', async () => {
    const rawHeaders = [
      'Host',
      's3.amazonaws.com',
      'x-amz-date',
      '20130524T000000Z',
      'x-amz-storage-class',
      'REDUCED_REDUNDANCY',
      'Authorization',
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
      'x-amz-content-sha256',
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'Content-Encoding',
      'aws-chunked',
      'x-amz-decoded-content-length',
      '66560',
      'Content-Length',
      '66824',
    ];
    const auth = authenticate(
      { method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', query: [], rawHeaders },
      DOC_SECRET,
      Date.UTC(2013, 4, 24, 0, 1),
    );
    expect(auth.payload).toEqual({ kind: 'chunked', signed: true, trailer: false });
    const body = (sig1: string) =>
      Buffer.concat([
        Buffer.from(`10000;chunk-signature=${sig1}\r\n`),
        Buffer.alloc(65536, 'a'),
        Buffer.from(
          '\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n',
        ),
        Buffer.alloc(1024, 'a'),
        Buffer.from(
          '\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n',
        ),
      ]);
    const good = body('ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648');
    expect(good.length).toBe(66824);
    const decode = async (bytes: Buffer) => {
      // Fed in odd-sized pieces, as TCP delivers them.
      const pieces = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) =>
        bytes.subarray(i * 1000, i * 1000 + 1000),
      );
      let n = 0;
      for await (const chunk of decodeAwsChunked(
        (async function* () {
          yield* pieces;
        })(),
        { signing: auth.signing, trailer: false, onTrailers: () => undefined },
      ))
        n += chunk.length;
      return n;
    };
    expect(await decode(good)).toBe(66560);
    await expect(decode(body('0'.repeat(64)))).rejects.toThrow(/chunk signature/);
  });
});
