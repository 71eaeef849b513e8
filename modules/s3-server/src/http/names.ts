import { S3Error } from '../errors.js';

export const MAX_KEY_BYTES = 1024;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** S3's bucket naming rules (lower case letters, digits, dots, hyphens; 3–63 characters; not an IP address). */
export function checkBucketName(name: string): void {
  if (!BUCKET_NAME.test(name) || /^\d+\.\d+\.\d+\.\d+$/.test(name) || name.includes('..')) {
    throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name });
  }
}

/**
 * Keys are any UTF-8 up to 1,024 bytes. They never become file paths here, so `..` and `/` are
 * ordinary characters; NUL is refused because XML 1.0 listings cannot carry it at all.
 */
export function checkObjectKey(key: string): void {
  if (key === '') throw new S3Error('InvalidArgument', 'The object key must not be empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 'Your key is too long', {
      Size: String(Buffer.byteLength(key, 'utf8')),
      MaxSizeAllowed: String(MAX_KEY_BYTES),
    });
  }
  if (key.includes('\0')) throw new S3Error('InvalidArgument', 'The object key must not contain NUL');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(key)) {
    throw new S3Error('InvalidArgument', 'The object key is not valid UTF-8');
  }
}
