import type { S3Client } from '@aws-sdk/client-s3';
import { rawObjectKey, utcDate } from '../layout.js';

const DAY_MS = 86_400_000;
import { type ArchivedMetric, encodeMetricsParquet } from '../parquet/metric-parquet.js';
import type { Segment } from './segment.js';
import { writeSegmentMarker } from './segment-marker.js';
import { uploadObject } from './upload-object.js';

export interface PlannedObject {
  key: string;
  rows: ArchivedMetric[];
}

/**
 * Splits a segment's metrics into one object per (metric type, UTC event date), in offset order.
 * Each object is named after the first and last offset of its own rows, so the name is a pure
 * function of the segment's content.
 */
export function planObjects(segment: Segment): PlannedObject[] {
  const groups = new Map<string, ArchivedMetric[]>();
  for (const metric of segment.metrics) {
    // The UTC day number, not its yyyy-mm-dd text: formatting a date per record is costly.
    const group = `${metric.metricType}:${Math.floor(metric.timestamp / DAY_MS)}`;
    const rows = groups.get(group);
    if (rows) rows.push(metric);
    else groups.set(group, [metric]);
  }
  const planned: PlannedObject[] = [];
  for (const rows of groups.values()) {
    const first = rows[0]!;
    planned.push({
      key: rawObjectKey({
        metricType: first.metricType,
        date: utcDate(first.timestamp),
        partition: segment.partition,
        firstOffset: first.offset,
        lastOffset: rows[rows.length - 1]!.offset,
      }),
      rows,
    });
  }
  return planned.sort((a, b) => (a.key < b.key ? -1 : 1));
}

export interface FlushResult {
  objects: { key: string; records: number; bytes: number; multipart: boolean }[];
}

export interface FlushTarget {
  s3: S3Client;
  bucket: string;
  partSize?: number;
  /** How many objects of one segment are uploaded at once. */
  uploadConcurrency?: number;
}

/**
 * Makes a segment durable in the lake: marker first (pins the segment's end for any re-run), then
 * every object. Resolves only when S3 acknowledged all of them; the caller commits offsets after.
 */
export async function writeSegmentObjects(target: FlushTarget, segment: Segment): Promise<FlushResult> {
  const planned = planObjects(segment);
  await writeSegmentMarker(target.s3, target.bucket, {
    topic: segment.topic,
    partition: segment.partition,
    firstOffset: segment.firstOffset,
    lastOffset: segment.lastOffset,
    recordCount: segment.recordCount,
    objects: planned.map((object) => object.key),
  });
  const results: FlushResult['objects'] = [];
  const queue = [...planned];
  const worker = async () => {
    for (let object = queue.shift(); object; object = queue.shift()) {
      const body = encodeMetricsParquet(object.rows);
      const { multipart } = await uploadObject(target.s3, target.bucket, object.key, body, target.partSize);
      results.push({ key: object.key, records: object.rows.length, bytes: body.byteLength, multipart });
    }
  };
  await Promise.all(Array.from({ length: Math.min(target.uploadConcurrency ?? 4, planned.length) }, worker));
  return { objects: results.sort((a, b) => (a.key < b.key ? -1 : 1)) };
}
