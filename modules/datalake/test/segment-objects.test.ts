import { HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  type ArchivedMetric,
  DEFAULT_ROLL_POLICY,
  RAW_PREFIX,
  Segment,
  listKeys,
  parseRawObjectKey,
  planObjects,
  readRawObject,
  readSegmentMarker,
  utcDate,
  writeSegmentObjects,
} from '@meterstream/datalake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, type TestLake, startTestLake } from '@meterstream/test-support';
import { random, sampleMetrics } from './helpers/metrics.js';

let lake: TestLake;
beforeAll(async () => {
  lake = await startTestLake();
});
afterAll(() => lake?.close());

function segmentOf(rows: ArchivedMetric[], partition: number): Segment {
  const segment = new Segment('metrics', partition, rows[0]!.offset, Date.now(), null);
  for (const row of rows) segment.addMetric(row.offset, 40, row);
  return segment;
}

describe('segment → objects on the embedded S3', () => {
  it('writes one object per (type, UTC date) named after its own offsets, plus the segment marker', async () => {
    // 2006-12-16 22:00 to 2006-12-17 02:00: the segment spans two dates.
    const rows = sampleMetrics({
      gateways: 2,
      start: Date.UTC(2006, 11, 16, 22),
      steps: 240,
      stepMs: 60_000,
    }).map((metric, i) => ({ ...metric, partition: 1, offset: 500 + i }));
    const segment = segmentOf(rows, 1);
    const plan = planObjects(segment);
    expect(plan.length).toBe(3 * 2); // 3 types × 2 dates
    const result = await writeSegmentObjects({ s3: lake.s3, bucket: BUCKET }, segment);
    expect(result.objects.map((o) => o.key)).toEqual(plan.map((p) => p.key));

    const keys = await listKeys(lake.s3, BUCKET, RAW_PREFIX);
    expect(keys.sort()).toEqual(plan.map((p) => p.key).sort());
    const readBack: ArchivedMetric[] = [];
    for (const key of keys) {
      const name = parseRawObjectKey(key)!;
      const objectRows = await readRawObject(lake.s3, BUCKET, key);
      for (const row of objectRows) {
        expect(row.metricType).toBe(name.metricType);
        expect(utcDate(row.timestamp)).toBe(name.date);
      }
      expect(objectRows[0]!.offset).toBe(name.firstOffset);
      expect(objectRows[objectRows.length - 1]!.offset).toBe(name.lastOffset);
      readBack.push(...objectRows);
    }
    expect(readBack.sort((a, b) => a.offset - b.offset)).toEqual(rows);

    const marker = await readSegmentMarker(lake.s3, BUCKET, 'metrics', 1, 500);
    expect(marker).toMatchObject({
      firstOffset: 500,
      lastOffset: 500 + rows.length - 1,
      recordCount: rows.length,
    });
    expect(marker!.objects.sort()).toEqual(keys.sort());
    expect(await readSegmentMarker(lake.s3, BUCKET, 'metrics', 1, 499)).toBeNull();
  });

  it('uploads an object larger than the part size as a multipart upload', async () => {
    const next = random(7);
    const start = Date.UTC(2007, 0, 5);
    // Random doubles do not compress: ~800k rows make a Parquet object above 5 MiB.
    const rows: ArchivedMetric[] = Array.from({ length: 800_000 }, (_, i) => ({
      gateway: 'big',
      metricType: 'GAS',
      metricAttribute: 'GAS_IDD',
      timestamp: start + i * 100,
      value: next(),
      partition: 2,
      offset: i,
    }));
    const segment = segmentOf(rows, 2);
    // Record which S3 operations the SDK sends (instrumentation only: the requests go to the server).
    const commands: string[] = [];
    lake.s3.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    const result = await writeSegmentObjects(
      { s3: lake.s3, bucket: BUCKET, partSize: 5 * 1024 * 1024 },
      segment,
    );
    expect(result.objects).toHaveLength(1);
    const object = result.objects[0]!;
    expect(object.bytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(object.multipart).toBe(true);
    lake.s3.middlewareStack.remove('recordCommands');
    const parquetCommands = commands.filter((name) => name !== 'PutObjectCommand'); // the marker
    expect(parquetCommands).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    const head = await lake.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: object.key }));
    expect(head.ContentLength).toBe(object.bytes);
    const back = await readRawObject(lake.s3, BUCKET, object.key);
    expect(back.length).toBe(rows.length);
    expect(back[123_456]).toEqual(rows[123_456]);
  });
});

describe('segment roll rules', () => {
  const policy = { ...DEFAULT_ROLL_POLICY, maxRecords: 3, maxBytes: 1000, maxAgeMs: 1000 };
  const metric = {
    gateway: 'g',
    metricType: 'GAS',
    metricAttribute: 'GAS_IDD',
    timestamp: 0,
    value: 1,
    partition: 0,
  } as const;

  it('rolls by record count and by bytes, whatever the clock', () => {
    const byCount = new Segment('t', 0, 10, 0, null);
    for (const offset of [10, 11]) byCount.addMetric(offset, 10, { ...metric, offset });
    expect(byCount.isFull(policy)).toBe(false);
    byCount.addMetric(12, 10, { ...metric, offset: 12 });
    expect(byCount.isFull(policy)).toBe(true);

    const byBytes = new Segment('t', 0, 10, 0, null);
    byBytes.addMetric(10, 999, { ...metric, offset: 10 });
    expect(byBytes.isFull(policy)).toBe(false);
    byBytes.addMetric(11, 1, { ...metric, offset: 11 });
    expect(byBytes.isFull(policy)).toBe(true);
  });

  it('a pinned segment ends exactly at the pinned offset and never rolls by age or size first', () => {
    const pinned = new Segment('t', 0, 10, 0, 15);
    for (const offset of [10, 11, 12, 13]) pinned.addMetric(offset, 500, { ...metric, offset });
    expect(pinned.isFull(policy)).toBe(false);
    expect(pinned.isAged(policy, 1_000_000)).toBe(false);
    expect(pinned.endsBefore(14)).toBe(false);
    expect(pinned.endsBefore(17)).toBe(true); // a gap in offsets past the pinned end
    pinned.addMetric(15, 1, { ...metric, offset: 15 });
    expect(pinned.isFull(policy)).toBe(true);
  });

  it('an unpinned segment rolls by age once it holds records', () => {
    const segment = new Segment('t', 0, 10, 5_000, null);
    expect(segment.isAged(policy, 10_000)).toBe(false); // empty
    segment.addMetric(10, 1, { ...metric, offset: 10 });
    expect(segment.isAged(policy, 5_999)).toBe(false);
    expect(segment.isAged(policy, 6_000)).toBe(true);
  });
});
