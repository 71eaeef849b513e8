import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, type Fixture, startFixture } from './helpers/fixture.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, 'fixtures/boto3_client.py');

describe('boto3 (python3-boto3) against the server over TCP', () => {
  let f: Fixture;
  let seen: Record<string, unknown>;
  beforeAll(async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install Debian's python3-boto3`);
    f = await startFixture('boto3', { fsync: false });
    const { stdout } = await promisify(execFile)(
      PYTHON,
      [SCRIPT, f.server.endpoint, BUCKET, f.server.accessKeyId, f.server.secretAccessKey],
      { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
    );
    seen = JSON.parse(stdout) as Record<string, unknown>;
  }, 150_000);
  afterAll(() => f?.stop());

  it('pages ListObjectsV2 and ListObjects through 2,500 keys; start-after, marker, delimiter', () => {
    expect(seen).toMatchObject({ v2_keys_ok: true, v2_pages: 3, v1_keys_ok: true, v1_pages: 3 });
    expect(seen.start_after).toEqual(['data/3/obj-0498', 'data/3/obj-0499']);
    expect(seen.marker).toEqual(['data/4/obj-0499']);
    expect(seen.common_prefixes).toEqual(['data/', 'odd/']);
  });

  it('round-trips keys that need URL encoding in listings (encoding-type=url, V2 and V1)', () => {
    const odd = ['odd/a+b c', 'odd/café', 'odd/x%2Fy', 'odd/\u{1F600}'];
    expect(seen.odd_keys).toEqual(odd);
    expect(seen.odd_v1_keys).toEqual(odd);
    expect(seen.deleted).toEqual([...odd].sort());
  });

  it('serves suffix and open-ended ranges; 416 past the end', () => {
    expect(seen).toMatchObject({
      suffix_range: 'stuvwxyz',
      open_range: 'uvwxyz',
      bad_range: ['InvalidRange', 416],
    });
  });

  it('If-None-Match: * creates once, then 412', () => {
    expect(seen).toMatchObject({ second_create: ['PreconditionFailed', 412], once_body: 'first' });
  });

  it('multipart: list-parts, -N ETag, EntityTooSmall, abort', () => {
    expect(seen).toMatchObject({
      listed_parts: [
        [1, 5 * 1024 * 1024],
        [2, 4],
      ],
      multipart_etag_ok: true,
      multipart_body_ok: true,
      too_small: ['EntityTooSmall', 400],
      after_abort: ['NoSuchUpload', 404],
    });
  });

  it('presigned URLs work, tampered ones and a wrong secret are refused', () => {
    expect(seen).toMatchObject({
      presigned_body: '0123456789abcdefghijklmnopqrstuvwxyz',
      tampered_presigned: 403,
      wrong_secret: ['SignatureDoesNotMatch', 403],
      wrong_secret_put: ['SignatureDoesNotMatch', 403],
    });
  });

  it('answers GetBucketLocation and ListBuckets', () => {
    expect(seen.location).toBeNull();
    expect(seen.buckets).toEqual([BUCKET]);
  });
});
