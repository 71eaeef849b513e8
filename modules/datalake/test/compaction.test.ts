import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  type ArchivedMetric,
  ConcurrentCommitError,
  commitLogEntry,
  compactLake,
  compactPartition,
  encodeMetricsParquet,
  listKeys,
  listPartition,
  listRawObjects,
  rawObjectKey,
  readRawObject,
  vacuumLake,
} from '@meterstream/datalake';
import { BUCKET, type TestLake, startTestLake } from '@meterstream/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DayLake, writeDayLake } from './helpers/day-lake.js';

const CHILD = fileURLToPath(new URL('./fixtures/compact-child.ts', import.meta.url));
const DATE = '2006-12-16';
let lake: TestLake;
let day: DayLake;

beforeEach(async () => {
  lake = await startTestLake();
  day = await writeDayLake(lake.s3, BUCKET);
}, 60_000);
afterEach(async () => {
  await lake?.close();
});

/** Every visible row of the date, as readers see the lake, in a canonical order. */
async function visibleRows(): Promise<ArchivedMetric[]> {
  const objects = await listRawObjects(lake.s3, BUCKET, [DATE]);
  const rows = (await Promise.all(objects.map((o) => readRawObject(lake.s3, BUCKET, o.key)))).flat();
  return rows.sort((a, b) => a.partition - b.partition || a.offset - b.offset || a.value - b.value);
}
const readingKey = (m: ArchivedMetric) => `${m.gateway}|${m.metricType}|${m.metricAttribute}|${m.timestamp}`;
/** The rows a compaction must leave: one per reading, the earliest record's. */
function deduplicated(rows: ArchivedMetric[]): ArchivedMetric[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    if (seen.has(readingKey(row))) return false;
    seen.add(readingKey(row));
    return true;
  });
}

function runChild(env: Record<string, string>): Promise<{ signal: string | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CHILD],
      {
        env: {
          ...process.env,
          S3_ENDPOINT: lake.settings.endpoint!,
          S3_ACCESS_KEY_ID: lake.settings.accessKeyId,
          S3_SECRET_ACCESS_KEY: lake.settings.secretAccessKey,
          S3_BUCKET: BUCKET,
          METRIC_TYPE: 'ELECTRICITY',
          DATE,
          ...env,
        },
      },
      (error, stdout, stderr) => {
        if (error && error.signal !== 'SIGKILL') reject(new Error(`${error.message}\n${stderr}`));
        else resolve({ signal: error?.signal ?? null, stdout });
      },
    );
  });
}

describe('lake compaction', () => {
  it('merges a partition into one sorted object without duplicates, atomically for readers, and leaves a compact one alone', async () => {
    const before = await visibleRows();
    const oldKeys = (await listPartition(lake.s3, BUCKET, 'ELECTRICITY', DATE)).objects.map((o) => o.key);
    expect(oldKeys.length).toBe(4);
    const report = await compactPartition({
      s3: lake.s3,
      bucket: BUCKET,
      metricType: 'ELECTRICITY',
      date: DATE,
    });
    expect(report).toMatchObject({ version: 1, objectsBefore: 4, objectsAfter: 1 });
    // The overlapping object's 300 rows and the NaN reading re-sent at an existing timestamp.
    expect(report.duplicatesDropped).toBe(day.repeated + 1);
    const after = await visibleRows();
    expect(after).toEqual(
      deduplicated(before).sort((a, b) => a.partition - b.partition || a.offset - b.offset),
    );
    const [merged] = (await listPartition(lake.s3, BUCKET, 'ELECTRICITY', DATE)).objects;
    expect(merged!.name.kind).toBe('compacted');
    const mergedRows = await readRawObject(lake.s3, BUCKET, merged!.key);
    for (let i = 1; i < mergedRows.length; i++) {
      const [a, b] = [mergedRows[i - 1]!, mergedRows[i]!];
      expect(
        a.gateway < b.gateway ||
          (a.gateway === b.gateway && a.metricAttribute < b.metricAttribute) ||
          (a.gateway === b.gateway && a.metricAttribute === b.metricAttribute && a.timestamp < b.timestamp),
      ).toBe(true);
    }
    expect(mergedRows.length).toBe(deduplicated(before).filter((r) => r.metricType === 'ELECTRICITY').length);
    // A reader that listed before the commit still reads the old objects until a vacuum.
    const oldRows = (await Promise.all(oldKeys.map((k) => readRawObject(lake.s3, BUCKET, k)))).flat();
    expect(oldRows.length).toBe(before.filter((r) => r.metricType === 'ELECTRICITY').length);
    expect(
      await compactPartition({ s3: lake.s3, bucket: BUCKET, metricType: 'ELECTRICITY', date: DATE }),
    ).toMatchObject({
      version: null,
      objectsBefore: 1,
    });
  });

  it('sees late objects written after a compaction beside the merged one, and compacts them in a new version', async () => {
    await compactLake({ s3: lake.s3, bucket: BUCKET, before: '2006-12-17' });
    const late: ArchivedMetric = {
      ...day.archived[0]!,
      timestamp: day.archived[0]!.timestamp + 1,
      offset: 5_000_000,
    };
    const key = rawObjectKey({
      metricType: late.metricType,
      date: DATE,
      partition: 0,
      firstOffset: 5_000_000,
      lastOffset: 5_000_000,
    });
    await lake.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: encodeMetricsParquet([late]) }),
    );
    const rows = await visibleRows();
    expect(rows.some((r) => r.offset === 5_000_000)).toBe(true);
    const [report] = await compactLake({
      s3: lake.s3,
      bucket: BUCKET,
      before: '2006-12-17',
      types: [late.metricType],
    });
    expect(report).toMatchObject({ version: 2, objectsBefore: 2, objectsAfter: 1, duplicatesDropped: 0 });
    expect(await visibleRows()).toEqual(rows);
  });

  it('refuses a second commit of the same version', async () => {
    const entry = { version: 1, added: [], removed: [], committedAt: new Date().toISOString() };
    await commitLogEntry(lake.s3, BUCKET, 'GAS', DATE, entry);
    await expect(commitLogEntry(lake.s3, BUCKET, 'GAS', DATE, entry)).rejects.toBeInstanceOf(
      ConcurrentCommitError,
    );
  });

  it.each([
    ['listed', 1],
    ['read', 1],
    ['object-written', 1],
    ['object-written', 2],
    ['committed', 1],
  ])(
    'loses and duplicates no reading when killed after step %s (#%i), and the next run finishes',
    async (step, count) => {
      const before = await visibleRows();
      // Small objects, so the merged rows span several: a crash can fall between two of them.
      const target = { TARGET_BYTES: '60000' };
      const crashed = await runChild({ ...target, CRASH_AT: step, CRASH_AT_COUNT: String(count) });
      expect(crashed.signal).toBe('SIGKILL');
      const afterCrash = await visibleRows();
      const committed = step === 'committed';
      expect(afterCrash).toEqual(
        committed
          ? deduplicated(before).sort((a, b) => a.partition - b.partition || a.offset - b.offset)
          : before,
      );

      const finished = await runChild(target);
      expect(finished.signal).toBeNull();
      const final = await visibleRows();
      expect(final.map(readingKey).sort()).toEqual(deduplicated(before).map(readingKey).sort());
      expect(new Set(final.map(readingKey)).size).toBe(final.length);

      // Vacuum: the replaced objects and any orphan of the crashed run go; what readers see stays.
      const vacuum = await vacuumLake({
        s3: lake.s3,
        bucket: BUCKET,
        retentionMs: 0,
        now: Date.now() + 1000,
      });
      expect(vacuum.deleted.length).toBeGreaterThanOrEqual(4);
      const remaining = await listKeys(lake.s3, BUCKET, `raw/metricType=ELECTRICITY/date=${DATE}/`);
      const visible = (await listPartition(lake.s3, BUCKET, 'ELECTRICITY', DATE)).objects.map((o) => o.key);
      expect(remaining.sort()).toEqual(visible.sort());
      expect(await visibleRows()).toEqual(final);
    },
    60_000,
  );

  it('vacuum keeps replaced objects for the retention period', async () => {
    await compactPartition({ s3: lake.s3, bucket: BUCKET, metricType: 'ELECTRICITY', date: DATE });
    const report = await vacuumLake({ s3: lake.s3, bucket: BUCKET, retentionMs: 3_600_000 });
    expect(report).toEqual({ deleted: [], retained: 4 });
  });
});
