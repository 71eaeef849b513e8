import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listKeys } from '../lake-reader.js';
import { segmentMarkerKey } from '../layout.js';
import { readJsonObject, writeJsonObject } from './json-object.js';

/**
 * A segment marker is the sink's write-ahead intent: before the first object of a segment is
 * written, `{ firstOffset, lastOffset, objects }` is stored at a key derived from (topic,
 * partition, firstOffset). A sink that (re)starts a segment at offset F — always a committed
 * offset — reads the marker for F; if one exists, an earlier run may have written some of that
 * segment's objects, so the segment is pinned to end at the marker's lastOffset whatever the roll
 * policy or the clock say. The objects are therefore rewritten under the very same names (with the
 * same content), never as an overlapping second copy. The marker is deleted once the offsets are
 * committed; one left behind by a crash in between is harmless (nobody starts at an offset below
 * the committed one).
 */
export interface SegmentMarker {
  topic: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
  recordCount: number;
  objects: string[];
}

export class SegmentMarkerError extends Error {
  override readonly name = 'SegmentMarkerError';
  constructor(
    readonly key: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`segment marker ${key}: ${reason}`, options);
  }
}

export async function readSegmentMarker(
  s3: S3Client,
  bucket: string,
  topic: string,
  partition: number,
  firstOffset: number,
): Promise<SegmentMarker | null> {
  const key = segmentMarkerKey(topic, partition, firstOffset);
  const read = await readJsonObject(s3, bucket, key, SegmentMarkerError);
  if (!read) return null;
  const marker = read.value as SegmentMarker;
  if (
    marker.partition !== partition ||
    marker.firstOffset !== firstOffset ||
    !Number.isSafeInteger(marker.lastOffset) ||
    marker.lastOffset < firstOffset
  ) {
    throw new SegmentMarkerError(key, `inconsistent content ${read.text}`);
  }
  return marker;
}

export async function writeSegmentMarker(s3: S3Client, bucket: string, marker: SegmentMarker): Promise<void> {
  await writeJsonObject(
    s3,
    bucket,
    segmentMarkerKey(marker.topic, marker.partition, marker.firstOffset),
    marker,
  );
}

export async function deleteSegmentMarker(
  s3: S3Client,
  bucket: string,
  topic: string,
  partition: number,
  firstOffset: number,
): Promise<void> {
  await s3.send(
    new DeleteObjectCommand({ Bucket: bucket, Key: segmentMarkerKey(topic, partition, firstOffset) }),
  );
}

/**
 * Deletes the markers of a partition that lie below `committedOffset`: leftovers of a crash
 * between the offset commit and the marker's deletion. Returns how many were removed.
 */
export async function deleteStaleSegmentMarkers(
  s3: S3Client,
  bucket: string,
  topic: string,
  partition: number,
  committedOffset: number,
): Promise<number> {
  const prefix = segmentMarkerKey(topic, partition, 0).replace(/[^/]+$/, '');
  let removed = 0;
  for (const key of await listKeys(s3, bucket, prefix)) {
    const firstOffset = Number(/(\d+)\.json$/.exec(key)?.[1] ?? Number.NaN);
    if (firstOffset < committedOffset) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      removed++;
    }
  }
  return removed;
}
