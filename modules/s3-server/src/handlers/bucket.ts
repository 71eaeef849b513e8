import { S3Error } from '../errors.js';
import type { S3Request } from '../http/context.js';
import { checkBucketName } from '../http/names.js';
import { receiveSmallBody } from '../http/receive-body.js';
import { sendEmpty } from '../http/respond.js';
import { S3_NAMESPACE, escapeXml } from '../xml.js';

/** PUT /bucket — CreateBucket (a CreateBucketConfiguration body is accepted; there is one region). */
export async function createBucket(r: S3Request): Promise<void> {
  const bucket = r.bucket!;
  checkBucketName(bucket);
  await receiveSmallBody(r.req, r.auth, 64 * 1024);
  if (!(await r.core.store.createBucket(bucket))) {
    throw new S3Error(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      {
        BucketName: bucket,
      },
    );
  }
  sendEmpty(r.res, 200, { Location: `/${bucket}`, 'x-amz-request-id': r.requestId });
}

/** HEAD /bucket */
export async function headBucket(r: S3Request): Promise<void> {
  r.core.store.index(r.bucket!);
  sendEmpty(r.res, 200, { 'x-amz-bucket-region': r.core.region, 'x-amz-request-id': r.requestId });
}

/** DELETE /bucket — only when empty. */
export async function deleteBucket(r: S3Request): Promise<void> {
  await r.core.store.deleteBucket(r.bucket!);
  sendEmpty(r.res, 204, { 'x-amz-request-id': r.requestId });
}

/** GET /bucket?location — empty for us-east-1, as AWS answers. */
export async function getBucketLocation(r: S3Request): Promise<void> {
  r.core.store.index(r.bucket!);
  const region = r.core.region === 'us-east-1' ? '' : escapeXml(r.core.region);
  const text = `<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="${S3_NAMESPACE}">${region}</LocationConstraint>`;
  r.res.writeHead(200, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(text),
    'x-amz-request-id': r.requestId,
  });
  r.res.end(text);
}
