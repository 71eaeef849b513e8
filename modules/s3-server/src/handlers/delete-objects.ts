import { S3Error } from '../errors.js';
import type { S3Request } from '../http/context.js';
import { checkObjectKey } from '../http/names.js';
import { receiveXml } from '../http/receive-body.js';
import { sendEmpty, sendXml } from '../http/respond.js';

const MAX_DELETE_KEYS = 1000;

/** DELETE /bucket/key — 204 also when the key is absent, as S3. */
export async function deleteObject(r: S3Request): Promise<void> {
  await r.core.store.deleteObject(r.bucket!, r.key!);
  sendEmpty(r.res, 204, { 'x-amz-request-id': r.requestId });
}

/** POST /bucket?delete — DeleteObjects: up to 1,000 keys, each reported deleted or failed. */
export async function deleteObjects(r: S3Request): Promise<void> {
  r.core.store.index(r.bucket!);
  const doc = await receiveXml(r.req, r.auth);
  const request = doc.Delete as { Quiet?: string; Object?: { Key?: unknown }[] } | undefined;
  const objects = request?.Object ?? [];
  if (!request || objects.length === 0 || objects.length > MAX_DELETE_KEYS) {
    throw new S3Error(
      'MalformedXML',
      `DeleteObjects needs a <Delete> with 1 to ${MAX_DELETE_KEYS} <Object> elements`,
    );
  }
  const quiet = String(request.Quiet ?? '').trim() === 'true';
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const object of objects) {
    const key = typeof object.Key === 'string' ? object.Key : '';
    try {
      checkObjectKey(key);
      await r.core.store.deleteObject(r.bucket!, key);
      if (!quiet) deleted.push({ Key: key });
    } catch (error) {
      if (!(error instanceof S3Error)) throw error;
      errors.push({ Key: key, Code: error.code, Message: error.message });
    }
  }
  sendXml(
    r.res,
    200,
    'DeleteResult',
    { Deleted: deleted, Error: errors },
    { 'x-amz-request-id': r.requestId },
  );
}
