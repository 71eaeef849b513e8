import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/** Objects at least this large go up as multipart uploads (S3's minimum part size is 5 MiB). */
export const DEFAULT_MULTIPART_PART_SIZE = 8 * 1024 * 1024;

export class ObjectUploadError extends Error {
  override readonly name = 'ObjectUploadError';
  constructor(
    readonly key: string,
    readonly size: number,
    options?: { cause?: unknown },
  ) {
    super(`cannot upload s3 object ${key} (${size} bytes): ${(options?.cause as Error)?.message}`, options);
  }
}

/**
 * Writes one object and resolves once S3 acknowledged it (for a multipart upload: after
 * CompleteMultipartUpload), i.e. once it is durable. lib-storage sends a single PutObject when the
 * body fits in one part and a multipart upload (parts in parallel, aborted on failure) otherwise.
 */
export async function uploadObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array,
  partSize = DEFAULT_MULTIPART_PART_SIZE,
): Promise<{ multipart: boolean }> {
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: body, ContentType: 'application/vnd.apache.parquet' },
    partSize,
    queueSize: 4,
    leavePartsOnError: false,
  });
  try {
    await upload.done();
  } catch (cause) {
    throw new ObjectUploadError(key, body.byteLength, { cause });
  }
  return { multipart: body.byteLength > partSize };
}
