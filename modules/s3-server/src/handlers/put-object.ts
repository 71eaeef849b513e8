import { createHash } from 'node:crypto';
import { uriDecode } from '../auth/uri-encode.js';
import { S3Error } from '../errors.js';
import { type S3Request, headerValue } from '../http/context.js';
import { checkObjectKey } from '../http/names.js';
import { receiveBody } from '../http/receive-body.js';
import { sendEmpty, sendXml } from '../http/respond.js';
import { checksumHeaders, storedHeaders, writeCondition } from './object-headers.js';

/**
 * PUT /bucket/key — the body goes to a temporary file (fsynced) and becomes the object only when it
 * arrived whole and every digest and signature the client sent matched.
 */
export async function putObject(r: S3Request): Promise<void> {
  const { store } = r.core;
  store.index(r.bucket!); // NoSuchBucket before reading the body
  const stored = storedHeaders(r.req);
  const condition = writeCondition(r.req);
  const temp = await store.tempFile();
  try {
    const body = await receiveBody(r.req, r.auth, r.core.maxRequestBytes, (chunk) => temp.write(chunk));
    const meta = await store.commit(
      r.bucket!,
      temp,
      { key: r.key!, size: body.bytes, etag: `"${body.md5Hex}"`, ...stored, checksums: body.checksums },
      condition,
    );
    sendEmpty(r.res, 200, {
      ETag: meta.etag,
      ...checksumHeaders(meta.checksums),
      'x-amz-request-id': r.requestId,
    });
  } catch (error) {
    await temp.discard();
    throw error;
  }
}

/** PUT /bucket/key with x-amz-copy-source — CopyObject (metadata directive COPY or REPLACE). */
export async function copyObject(r: S3Request): Promise<void> {
  const { store } = r.core;
  store.index(r.bucket!);
  const source = parseCopySource(headerValue(r.req, 'x-amz-copy-source')!);
  const { meta: from, handle } = await store.openObject(source.bucket, source.key);
  const replace = headerValue(r.req, 'x-amz-metadata-directive') === 'REPLACE';
  const temp = await store.tempFile();
  try {
    const md5 = createHash('md5');
    for await (const chunk of handle.createReadStream({ autoClose: true, highWaterMark: 1 << 20 })) {
      md5.update(chunk as Buffer);
      await temp.write(chunk as Buffer);
    }
    const meta = await store.commit(
      r.bucket!,
      temp,
      {
        key: r.key!,
        size: temp.bytes,
        etag: `"${md5.digest('hex')}"`,
        ...(replace ? storedHeaders(r.req) : { headers: from.headers, userMetadata: from.userMetadata }),
        checksums: {},
      },
      writeCondition(r.req),
    );
    sendXml(
      r.res,
      200,
      'CopyObjectResult',
      { LastModified: meta.lastModified, ETag: meta.etag },
      {
        'x-amz-request-id': r.requestId,
      },
    );
  } catch (error) {
    await temp.discard();
    await handle.close().catch(() => undefined);
    throw error;
  }
}

function parseCopySource(header: string): { bucket: string; key: string } {
  const path = header.split('?')[0].replace(/^\//, '');
  const slash = path.indexOf('/');
  const bucket = slash > 0 ? uriDecode(path.slice(0, slash)) : undefined;
  const key = slash > 0 ? uriDecode(path.slice(slash + 1)) : undefined;
  if (!bucket || key === undefined) {
    throw new S3Error(
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      {
        ArgumentName: 'x-amz-copy-source',
      },
    );
  }
  checkObjectKey(key);
  return { bucket, key };
}
