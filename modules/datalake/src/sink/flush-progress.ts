import type { S3Client } from '@aws-sdk/client-s3';
import { flushProgressKey } from '../layout.js';
import { readJsonObject, writeJsonObject } from './json-object.js';

/**
 * What the sink has made durable of one partition: every record below `nextOffset` is in the lake
 * (archived, or dead-lettered), and `maxEventTime` is the latest event time among the archived ones
 * (null: none yet). Written after each segment's objects, so it never claims more than the lake
 * holds; the batch job derives from it how far the lake is complete (lake-coverage.ts).
 */
export interface FlushProgress {
  topic: string;
  partition: number;
  nextOffset: number;
  maxEventTime: number | null;
  updatedAt: number;
}

export class FlushProgressError extends Error {
  override readonly name = 'FlushProgressError';
  constructor(
    readonly key: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`flush progress ${key}: ${reason}`, options);
  }
}

export async function readFlushProgress(
  s3: S3Client,
  bucket: string,
  topic: string,
  partition: number,
): Promise<FlushProgress | null> {
  const key = flushProgressKey(topic, partition);
  const read = await readJsonObject(s3, bucket, key, FlushProgressError);
  if (!read) return null;
  const progress = read.value as FlushProgress;
  if (
    progress.partition !== partition ||
    !Number.isSafeInteger(progress.nextOffset) ||
    (progress.maxEventTime !== null && !Number.isFinite(progress.maxEventTime))
  ) {
    throw new FlushProgressError(key, `inconsistent content ${read.text}`);
  }
  return progress;
}

export async function writeFlushProgress(
  s3: S3Client,
  bucket: string,
  progress: FlushProgress,
): Promise<void> {
  await writeJsonObject(s3, bucket, flushProgressKey(progress.topic, progress.partition), progress);
}
