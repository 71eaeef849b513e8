import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** The typed error of the sink's small JSON objects (flush progress, segment marker): key, reason, cause. */
export type JsonObjectErrorClass = new (key: string, reason: string, options?: { cause?: unknown }) => Error;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/**
 * Reads and parses the JSON object at `key`: null where there is none; an object that cannot be
 * read or is not JSON throws `ErrorClass`. The text comes back too, for the caller's own checks.
 */
export async function readJsonObject(
  s3: S3Client,
  bucket: string,
  key: string,
  ErrorClass: JsonObjectErrorClass,
): Promise<{ value: unknown; text: string } | null> {
  let text: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = await response.Body!.transformToString('utf8');
  } catch (error) {
    if (isNotFound(error)) return null;
    throw new ErrorClass(key, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  try {
    return { value: JSON.parse(text), text };
  } catch (cause) {
    throw new ErrorClass(key, `not JSON: ${(cause as Error).message}`, { cause });
  }
}

/** Writes `value` as the JSON object at `key`, overwriting any. */
export async function writeJsonObject(
  s3: S3Client,
  bucket: string,
  key: string,
  value: unknown,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(value),
      ContentType: 'application/json',
    }),
  );
}
