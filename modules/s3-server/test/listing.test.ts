import {
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, type Fixture, startFixture } from './helpers/fixture.js';

// 2,500 keys over 5 day-prefixes of 500, as the sink lays out a lake, plus keys whose S3 (UTF-8
// byte) order differs from JavaScript's UTF-16 order: U+FF5E sorts before U+1F600 in UTF-8.
const DAYS = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];
const LAKE_KEYS = DAYS.flatMap((day) =>
  Array.from({ length: 500 }, (_, i) => `raw/date=${day}/part-${String(i).padStart(5, '0')}.parquet`),
);
const ODD_KEYS = ['u/\u{1F600}', 'u/\uFF5E', 'u/a', 'u/é', 'top.txt'];
const ALL = [...LAKE_KEYS, ...ODD_KEYS];

function utf8Sorted(keys: string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

async function putAll(s3: S3Client, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 100) {
    await Promise.all(
      keys.slice(i, i + 100).map((Key) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }))),
    );
  }
}

describe('ListObjectsV2 / ListObjects over 2,505 keys', () => {
  let f: Fixture;
  beforeAll(async () => {
    // Without fsync: this file is about listings, and 2,505 fsynced PUTs would take most of a minute.
    f = await startFixture('listing', { fsync: false });
    await putAll(f.s3, ALL);
  });
  afterAll(() => f?.stop());

  it('V2 pages with continuation tokens through exactly the keys present, in UTF-8 byte order', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await f.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
      pages++;
      expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(utf8Sorted(ALL));
    expect(seen.indexOf('u/\uFF5E')).toBeLessThan(seen.indexOf('u/\u{1F600}'));
  });

  it('V2 honours max-keys, start-after and prefix', async () => {
    const page = await f.s3.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: 'raw/date=2024-01-03/',
        StartAfter: 'raw/date=2024-01-03/part-00100.parquet',
        MaxKeys: 7,
      }),
    );
    expect(page.Contents!.map((c) => c.Key)).toEqual(
      Array.from(
        { length: 7 },
        (_, i) => `raw/date=2024-01-03/part-${String(101 + i).padStart(5, '0')}.parquet`,
      ),
    );
    expect(page.IsTruncated).toBe(true);
    const rest = await f.s3.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: 'raw/date=2024-01-03/',
        ContinuationToken: page.NextContinuationToken,
      }),
    );
    expect(rest.Contents).toHaveLength(500 - 108);
    expect(rest.IsTruncated).toBe(false);
    const c = page.Contents![0];
    expect(c.Size).toBe(c.Key!.length);
    expect(c.ETag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('V2 with a delimiter rolls keys up into common prefixes, each once across pages', async () => {
    const top = await f.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/' }));
    expect(top.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['raw/', 'u/']);
    expect(top.Contents!.map((c) => c.Key)).toEqual(['top.txt']);
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const page = await f.s3.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: 'raw/',
          Delimiter: '/',
          MaxKeys: 2,
          ContinuationToken: token,
        }),
      );
      prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      expect(page.Contents ?? []).toHaveLength(0);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(prefixes).toEqual(DAYS.map((d) => `raw/date=${d}/`));
  });

  it('V1 pages with markers (NextMarker, and the last key when a page has none)', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await f.s3.send(
        new ListObjectsCommand({ Bucket: BUCKET, Marker: marker, Prefix: 'raw/' }),
      );
      const keys = (page.Contents ?? []).map((c) => c.Key!);
      seen.push(...keys);
      marker = page.IsTruncated ? (page.NextMarker ?? keys[keys.length - 1]) : undefined;
    } while (marker);
    expect(seen).toEqual(utf8Sorted(LAKE_KEYS));
    const withDelimiter = await f.s3.send(
      new ListObjectsCommand({ Bucket: BUCKET, Delimiter: '/', Prefix: 'raw/', MaxKeys: 3 }),
    );
    expect(withDelimiter.CommonPrefixes!.map((p) => p.Prefix)).toEqual(
      DAYS.slice(0, 3).map((d) => `raw/date=${d}/`),
    );
    expect(withDelimiter.NextMarker).toBe('raw/date=2024-01-03/');
    const next = await f.s3.send(
      new ListObjectsCommand({
        Bucket: BUCKET,
        Delimiter: '/',
        Prefix: 'raw/',
        Marker: withDelimiter.NextMarker,
      }),
    );
    expect(next.CommonPrefixes!.map((p) => p.Prefix)).toEqual(DAYS.slice(3).map((d) => `raw/date=${d}/`));
  });

  it('max-keys=0 is an empty, untruncated page (V2 and V1)', async () => {
    const v2 = await f.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 0 }));
    expect([v2.KeyCount, v2.IsTruncated, v2.Contents]).toEqual([0, false, undefined]);
    const v1 = await f.s3.send(new ListObjectsCommand({ Bucket: BUCKET, MaxKeys: 0 }));
    expect([v1.IsTruncated, v1.Contents]).toEqual([false, undefined]);
  });

  it('an empty prefix match is an empty, untruncated listing', async () => {
    const page = await f.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'nothing/' }));
    expect(page.Contents ?? []).toHaveLength(0);
    expect(page.IsTruncated).toBe(false);
    expect(page.KeyCount).toBe(0);
  });
});
