import { testLogger } from '@meterstream/test-support';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  type ArchivedMetric,
  createS3Client,
  encodeMetricsParquet,
  listRawObjects,
  rawObjectKey,
  utcDate,
} from '@meterstream/datalake';
import { startS3Server } from '@meterstream/s3-server';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleMetrics } from './helpers/metrics.js';
import { readLake } from './helpers/lake-contents.js';

const dir = mkdtempSync(join(tmpdir(), 'datalake-s3rver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An object as s3rver 3.7 stored it under the local stack's `data/s3` (files written by hand here). */
function writeS3rverObject(dataDir: string, bucket: string, key: string, body: Uint8Array): void {
  const base = join(dataDir, bucket, key);
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(`${base}._S3rver_object`, body);
  writeFileSync(`${base}._S3rver_object.md5`, createHash('md5').update(body).digest('hex'));
  writeFileSync(
    `${base}._S3rver_metadata.json`,
    JSON.stringify({ 'content-type': 'application/vnd.apache.parquet' }, null, 2),
  );
}

describe('a lake written under s3rver', () => {
  it('reads back through the embedded S3 server: same keys, same Parquet rows', async () => {
    const rows: ArchivedMetric[] = sampleMetrics({
      gateways: 2,
      start: Date.UTC(2024, 0, 1, 22),
      steps: 240,
      stepMs: 60_000,
    }).map((metric, i) => ({ ...metric, partition: 0, offset: i }));
    // One object per (type, date), as the sink lays them out.
    const groups = new Map<string, ArchivedMetric[]>();
    for (const row of rows) {
      const id = `${row.metricType}|${utcDate(row.timestamp)}`;
      groups.set(id, [...(groups.get(id) ?? []), row]);
    }
    const dataDir = join(dir, 's3');
    const written: string[] = [];
    for (const [id, group] of groups) {
      const [metricType, date] = id.split('|');
      const key = rawObjectKey({
        metricType,
        date,
        partition: 0,
        firstOffset: group[0].offset,
        lastOffset: group[group.length - 1].offset,
      });
      writeS3rverObject(dataDir, 'meterstream', key, encodeMetricsParquet(group));
      written.push(key);
    }
    expect(new Set(written.map((k) => k.split('/')[2])).size).toBe(2); // two dates

    const server = await startS3Server({
      port: 0,
      dataDir,
      bucket: 'meterstream',
      logger: testLogger(),
    });
    const s3 = createS3Client({
      endpoint: server.endpoint,
      bucket: 'meterstream',
      region: 'us-east-1',
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      forcePathStyle: true,
    });
    try {
      const lake = await readLake(s3, 'meterstream');
      expect(lake.map((o) => o.key).sort()).toEqual([...written].sort());
      const back = lake.flatMap((o) => o.rows).sort((a, b) => a.offset - b.offset);
      expect(back).toEqual(rows);
      const listed = await listRawObjects(s3, 'meterstream', ['2024-01-01', '2024-01-02']);
      expect(listed.map((o) => o.key).sort()).toEqual([...written].sort());
    } finally {
      s3.destroy();
      await server.close();
    }
  });
});
