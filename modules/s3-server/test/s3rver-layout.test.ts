import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { type S3Server, startS3Server } from '../src/index.js';
import { filesUnder, newClient, testLog, tempRoot } from './helpers/fixture.js';

/**
 * Writes objects the way s3rver 3.7 stored them (lib/stores/filesystem.js): `<dir>/<bucket>/<key>`
 * plus `._S3rver_object`, with `._S3rver_object.md5` and `._S3rver_metadata.json` beside it.
 */
function writeS3rverObject(
  dir: string,
  bucket: string,
  key: string,
  body: Buffer,
  metadata?: Record<string, string>,
  md5File = true,
) {
  const base = join(dir, bucket, key);
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(`${base}._S3rver_object`, body);
  if (md5File) writeFileSync(`${base}._S3rver_object.md5`, createHash('md5').update(body).digest('hex'));
  if (metadata) writeFileSync(`${base}._S3rver_metadata.json`, JSON.stringify(metadata, null, 2));
  utimesSync(`${base}._S3rver_object`, new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
}

describe('a data directory written by s3rver', () => {
  const root = tempRoot('s3rver');
  const dataDir = join(root, 'data');
  const parquet = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(5000, 9), Buffer.from('PAR1')]);
  const servers: S3Server[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('is imported at start: same keys, bytes, ETags, metadata and dates; the old files are gone', async () => {
    const keys = [
      'raw/metricType=ELECTRICITY/date=2024-01-01/part-0-0-99.parquet',
      'raw/metricType=WATER/date=2024-01-01/part-0-100-199.parquet',
      '_segments/metrics/0/00000000000000000000.json',
    ];
    writeS3rverObject(dataDir, 'meterstream', keys[0], parquet, {
      'content-type': 'application/vnd.apache.parquet',
      'x-amz-meta-records': '100',
    });
    writeS3rverObject(dataDir, 'meterstream', keys[1], parquet, undefined, false); // no .md5 file: computed
    writeS3rverObject(dataDir, 'meterstream', keys[2], Buffer.from('{"next":200}'), {
      'content-type': 'application/json',
    });
    mkdirSync(join(dataDir, 'meterstream', '._S3rver_uploads', 'abc'), { recursive: true });

    const server = await startS3Server({ port: 0, dataDir, bucket: 'meterstream', logger: testLog });
    servers.push(server);
    const s3 = newClient(server);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'meterstream' }));
    expect(listed.Contents!.map((c) => c.Key)).toEqual([...keys].sort());
    const etag = `"${createHash('md5').update(parquet).digest('hex')}"`;
    expect(listed.Contents!.filter((c) => c.Key!.endsWith('.parquet')).map((c) => c.ETag)).toEqual([
      etag,
      etag,
    ]);

    const got = await s3.send(
      new GetObjectCommand({ Bucket: 'meterstream', Key: keys[0], Range: 'bytes=-4' }),
    );
    expect(await got.Body!.transformToString()).toBe('PAR1');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'meterstream', Key: keys[0] }));
    expect(head).toMatchObject({
      ContentType: 'application/vnd.apache.parquet',
      ContentLength: parquet.length,
      Metadata: { records: '100' },
      ETag: etag,
    });
    expect(head.LastModified!.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    const marker = await s3.send(new GetObjectCommand({ Bucket: 'meterstream', Key: keys[2] }));
    expect(await marker.Body!.transformToString()).toBe('{"next":200}');

    expect(readdirSync(dataDir).sort()).toEqual(['_buckets', '_tmp', '_uploads']);
    expect(filesUnder(dataDir).filter((f) => f.includes('S3rver'))).toEqual([]);
    s3.destroy();
    await server.close();

    const again = await startS3Server({ port: 0, dataDir, logger: testLog });
    servers.push(again);
    const s3again = newClient(again);
    const relisted = await s3again.send(new ListObjectsV2Command({ Bucket: 'meterstream' }));
    expect(relisted.Contents!.map((c) => [c.Key, c.ETag])).toEqual(
      listed.Contents!.map((c) => [c.Key, c.ETag]),
    );
    s3again.destroy();
  });

  it('leaves alone directories that are not purely s3rver buckets (a data directory shared with other servers)', async () => {
    const shared = join(root, 'shared');
    mkdirSync(join(shared, 'kafka', 'metrics-0'), { recursive: true });
    writeFileSync(join(shared, 'kafka', 'metrics-0', '00000000.log'), 'segment');
    writeFileSync(join(shared, 'kafka', 'meta.json'), '{}');
    mkdirSync(join(shared, 'cassandra'));
    writeS3rverObject(shared, 'mixed', 'a.txt', Buffer.from('s3rver'), { 'content-type': 'text/plain' });
    writeFileSync(join(shared, 'mixed', 'notes.txt'), 'not written by s3rver');
    const server = await startS3Server({ port: 0, dataDir: shared, logger: testLog });
    servers.push(server);
    expect(filesUnder(join(shared, 'kafka')).sort()).toEqual(['meta.json', 'metrics-0/00000000.log']);
    expect(readdirSync(join(shared, 'cassandra'))).toEqual([]);
    expect(filesUnder(join(shared, 'mixed')).sort()).toEqual([
      'a.txt._S3rver_metadata.json',
      'a.txt._S3rver_object',
      'a.txt._S3rver_object.md5',
      'notes.txt',
    ]);
    const s3 = newClient(server);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    s3.destroy();
  });
});
