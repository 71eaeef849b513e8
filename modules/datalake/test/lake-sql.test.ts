import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type ArchivedMetric, encodeMetricsParquet, rawObjectKey } from '@meterstream/datalake';
import { LakeDatabase, SQL_WINDOWS, recomputeWithDuckDb, syncLakeCache } from '@meterstream/datalake/sql';
import { BUCKET, type TestLake, startTestLake } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D16, DAY, referenceWindows, sortedAggregates, writeDayLake } from './helpers/day-lake.js';

const cacheRoot = mkdtempSync(join(tmpdir(), 'lake-sql-cache-'));

let lake: TestLake;
/** Every row in the lake, as archived (valid ones and the ones the metric rule refuses). */
let archived: ArchivedMetric[];
let keys: string[];
let repeated: number;

const reference = (window: number, from: number, to: number) => referenceWindows(archived, window, from, to);
const sorted = sortedAggregates;

beforeAll(async () => {
  lake = await startTestLake();
  ({ archived, keys, repeated } = await writeDayLake(lake.s3, BUCKET));
}, 120_000);
afterAll(async () => {
  await lake?.close();
  rmSync(cacheRoot, { recursive: true, force: true });
});

describe('the batch job on DuckDB', () => {
  it.each(SQL_WINDOWS)(
    'computes every %i s window of a day exactly as the reference engine',
    async (window) => {
      const range = { from: D16, to: D16 + DAY };
      const duck = await recomputeWithDuckDb({ s3: lake.s3, bucket: BUCKET, keys, window, range });
      const expected = reference(window, range.from, range.to);
      expect(expected.length).toBeGreaterThan(0);
      // Exact equality, sums included: both fold each window in (partition, offset) order.
      expect(sorted(duck.aggregates)).toEqual(expected);
      expect(duck.recordsRead).toBe(archived.length);
      expect(duck.recordsRefused).toBe(1);
      expect(duck.repeatedRecords).toBe(repeated);
    },
  );
});

describe('the lake cache and its DuckDB views', () => {
  it('syncs the lake incrementally: new and changed objects fetched, vanished ones removed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lake-sql-sync-'));
    try {
      const sync = (dates?: string[]) =>
        syncLakeCache({ s3: lake.s3, bucket: BUCKET, endpoint: lake.settings.endpoint!, root, dates });
      const first = await sync();
      expect(first).toMatchObject({ objects: keys.length, downloaded: keys.length, removed: 0 });
      expect(await sync()).toMatchObject({ objects: keys.length, downloaded: 0, removed: 0 });

      const extraKey = rawObjectKey({
        metricType: 'WATER',
        date: '2006-12-17',
        partition: 9,
        firstOffset: 0,
        lastOffset: 0,
      });
      const row = {
        ...archived.find((m) => m.metricType === 'WATER')!,
        timestamp: D16 + DAY,
        partition: 9,
        offset: 0,
      };
      await lake.s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: extraKey, Body: encodeMetricsParquet([row]) }),
      );
      // Only the partitions asked for are listed: the 17th's new object is not seen from the 16th.
      expect(await sync(['2006-12-16'])).toMatchObject({ objects: keys.length, downloaded: 0, removed: 0 });
      expect(await sync()).toMatchObject({ objects: keys.length + 1, downloaded: 1, removed: 0 });
      await lake.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: extraKey }));
      expect(await sync()).toMatchObject({ objects: keys.length, downloaded: 0, removed: 1 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('serves the raw readings as `metrics` and the batch rule as `aggregates_<w>`, pruning date partitions', async () => {
    const { dir } = await syncLakeCache({
      s3: lake.s3,
      bucket: BUCKET,
      endpoint: lake.settings.endpoint!,
      root: cacheRoot,
    });
    const database = await LakeDatabase.open({ kind: 'local', dir });
    try {
      const count = await database.query('SELECT count(*) AS n, count(DISTINCT date) AS dates FROM metrics');
      expect(count.rows).toEqual([[archived.length, 1]]);
      const hourly = await database.query(
        `SELECT gateway, metricType, metricAttribute, epoch_ms(windowStart) AS ws, sampleCount, sum, min, max
         FROM aggregates_3600 ORDER BY gateway, metricType, metricAttribute, ws`,
      );
      const expected = reference(3600, D16, D16 + DAY).map((a) => [
        a.gateway,
        a.metricType,
        a.metricAttribute,
        a.windowStart,
        a.sampleCount,
        a.sum,
        a.min,
        a.max,
      ]);
      expect(hourly.rows).toEqual(expected);
      // Hive partitioning: a date with no partition reads no file at all.
      const plan = await database.query(
        `EXPLAIN SELECT count(*) FROM metrics WHERE date = DATE '2006-12-17'`,
      );
      expect(plan.rows.map((r) => r.join('\n')).join('\n')).toMatch(/Scanning Files: 0\/\d+/);
      await expect(database.query('SELECT nope FROM metrics')).rejects.toThrow(/nope/);
    } finally {
      database.close();
    }
  });

  it('gives an empty lake empty views rather than an error', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lake-sql-empty-'));
    try {
      const sync = await syncLakeCache({
        s3: lake.s3,
        bucket: BUCKET,
        endpoint: lake.settings.endpoint!,
        root,
        dates: ['1999-01-01'],
      });
      expect(sync.objects).toBe(0);
      const database = await LakeDatabase.open({ kind: 'local', dir: sync.dir });
      try {
        expect((await database.query('SELECT count(*) FROM metrics')).rows).toEqual([[0]]);
        expect((await database.query('SELECT count(*) FROM aggregates_60')).rows).toEqual([[0]]);
      } finally {
        database.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
