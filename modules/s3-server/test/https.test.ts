import { request as httpRequest } from 'node:http';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ensureSecurityBundle, httpsServerOptions, trustingHttpsAgent } from '@meterstream/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, type Fixture, startFixture, tempRoot } from './helpers/fixture.js';

// The secured stack's S3 endpoint: HTTPS with the bundle's certificate, SigV4 key pairs inside.
const securityDir = tempRoot('https-bundle');
let ca = '';
let f: Fixture;
const client = (secretAccessKey = 'tls-secret', trust = true): S3Client =>
  f.client({
    credentials: { accessKeyId: 'tls-key', secretAccessKey },
    maxAttempts: 1,
    // The SDK takes the node-http-handler options as a plain object: an agent trusting the CA only.
    requestHandler: trust ? { httpsAgent: trustingHttpsAgent(ca) } : undefined,
  });

beforeAll(async () => {
  ca = (await ensureSecurityBundle(securityDir)).caCert;
  f = await startFixture('https', {
    fsync: false,
    accessKeyId: 'tls-key',
    secretAccessKey: 'tls-secret',
    tls: await httpsServerOptions({ dataDir: securityDir }),
  });
}, 60_000);
afterAll(async () => f.stop());

describe('S3 server over HTTPS', () => {
  it('advertises an https endpoint and serves @aws-sdk/client-s3 trusting the stack CA', async () => {
    expect(f.server.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const s3 = client();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a.txt', Body: 'over tls' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a.txt' }));
    expect(await got.Body?.transformToString()).toBe('over tls');
  });

  it('refuses a wrong secret with 403 SignatureDoesNotMatch', async () => {
    const error = await client('wrong-secret')
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a.txt' }))
      .catch((e: { name: string; $metadata?: { httpStatusCode?: number } }) => e);
    expect([
      (error as { name: string }).name,
      (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
    ]).toEqual(['SignatureDoesNotMatch', 403]);
  });

  it('fails the TLS handshake for a client without the CA', async () => {
    await expect(
      client('tls-secret', false).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a.txt' })),
    ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('closes plain HTTP to the TLS port and keeps serving', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: f.server.host, port: f.server.port, path: `/${BUCKET}` }, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end();
    });
    expect(outcome).toMatch(/ECONNRESET|socket hang up|EPIPE/);
    const got = await client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a.txt' }));
    expect(await got.Body?.transformToString()).toBe('over tls');
  });
});
