import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { flushProgressKey } from '../layout.js';

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

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

export async function readFlushProgress(
  s3: S3Client,
  bucket: string,
  topic: string,
  partition: number,
): Promise<FlushProgress | null> {
  const key = flushProgressKey(topic, partition);
  let text: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = await response.Body!.transformToString('utf8');
  } catch (error) {
    if (isNotFound(error)) return null;
    throw new FlushProgressError(key, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  let progress: FlushProgress;
  try {
    progress = JSON.parse(text) as FlushProgress;
  } catch (cause) {
    throw new FlushProgressError(key, `not JSON: ${(cause as Error).message}`, { cause });
  }
  if (
    progress.partition !== partition ||
    !Number.isSafeInteger(progress.nextOffset) ||
    (progress.maxEventTime !== null && !Number.isFinite(progress.maxEventTime))
  ) {
    throw new FlushProgressError(key, `inconsistent content ${text}`);
  }
  return progress;
}

export async function writeFlushProgress(
  s3: S3Client,
  bucket: string,
  progress: FlushProgress,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: flushProgressKey(progress.topic, progress.partition),
      Body: JSON.stringify(progress),
      ContentType: 'application/json',
    }),
  );
}
