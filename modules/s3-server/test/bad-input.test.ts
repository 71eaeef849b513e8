import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, type Fixture, s3Failure, startFixture } from './helpers/fixture.js';

describe('bad input is answered with an S3 error and the server keeps serving', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('bad-input', { fsync: false });
  });
  afterAll(() => f?.stop());

  async function stillServing(): Promise<void> {
    await f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'alive', Body: 'yes' }));
    const got = await f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'alive' }));
    expect(await got.Body!.transformToString()).toBe('yes');
  }

  it('a broken aws-chunked body: 400 IncompleteBody, nothing stored', async () => {
    // The SDK streams with STREAMING-UNSIGNED-PAYLOAD-TRAILER; the frames are replaced after signing.
    const put = new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'chunked',
      Body: Readable.from([Buffer.from('payload')]),
      ContentLength: 7,
    });
    put.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { body: unknown };
        request.body = Buffer.from('zz;garbage\r\nabc\r\n');
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    expect(await s3Failure(f.s3.send(put))).toEqual({ code: 'IncompleteBody', status: 400 });
    expect(
      await s3Failure(f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'chunked' }))),
    ).toMatchObject({
      status: 404,
    });
    await stillServing();
  });

  /** Sends `command` with `body` in place of its XML, checksummed and signed as that body by the SDK. */
  function withBody<T extends DeleteObjectsCommand | CompleteMultipartUploadCommand>(
    command: T,
    body: string,
  ): T {
    type Args = { request: unknown };
    (command.middlewareStack as { add(middleware: unknown, options: unknown): void }).add(
      (next: (args: Args) => unknown) => (args: Args) => {
        const request = args.request as { headers: Record<string, string>; body: unknown };
        request.headers['content-length'] = String(Buffer.byteLength(body));
        request.body = body;
        return next(args);
      },
      // First in the build step: the SDK's checksum and signing middlewares then see this body.
      { step: 'build', priority: 'high' },
    );
    return command;
  }

  it('malformed XML bodies: 400 MalformedXML', async () => {
    for (const body of ['<Delete><Object><Key>x</Key></Object>', 'not xml at all', '<Delete></Delete>']) {
      const command = withBody(
        new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'x' }] } }),
        body,
      );
      expect(await s3Failure(f.s3.send(command)), body).toEqual({ code: 'MalformedXML', status: 400 });
    }
    const id = (await f.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp' }))).UploadId!;
    for (const body of [
      '<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>',
      '<CompleteMultipartUpload>',
    ]) {
      const command = withBody(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'mp',
          UploadId: id,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x"' }] },
        }),
        body,
      );
      expect(await s3Failure(f.s3.send(command)), body).toEqual({ code: 'MalformedXML', status: 400 });
    }
    await stillServing();
  });

  it('malformed Authorization, query and HTTP: 4xx answers', async () => {
    const url = `${f.server.endpoint}/${BUCKET}/alive`;
    const cases: [Record<string, string>, number, string][] = [
      [{ Authorization: 'AWS4-HMAC-SHA256 garbage' }, 403, 'AccessDenied'],
      [{ Authorization: 'AWS S3RVER:c2lnbmF0dXJl' }, 403, 'AccessDenied'],
      [
        {
          Authorization:
            'AWS4-HMAC-SHA256 Credential=meterstream/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
          'x-amz-date': 'yesterday',
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        },
        403,
        'AccessDenied',
      ],
    ];
    for (const [headers, status, code] of cases) {
      const res = await fetch(url, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(status);
      expect(await res.text()).toContain(`<Code>${code}</Code>`);
    }
    const badQuery = await fetch(`${url}?X-Amz-Algorithm=%ZZ`);
    expect(badQuery.status).toBe(400);
    await stillServing();
  });
});
