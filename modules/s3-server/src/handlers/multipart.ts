import { S3Error } from '../errors.js';
import { type S3Request, headerValue } from '../http/context.js';
import { receiveBody, receiveSmallBody, receiveXml } from '../http/receive-body.js';
import { sendEmpty, sendXml } from '../http/respond.js';
import { MAX_PART_NUMBER } from '../storage/multipart-store.js';
import { checksumHeaders, storedHeaders, writeCondition } from './object-headers.js';

/** POST /bucket/key?uploads — CreateMultipartUpload. */
export async function createMultipartUpload(r: S3Request): Promise<void> {
  r.core.store.index(r.bucket!);
  const { headers, userMetadata } = storedHeaders(r.req);
  await receiveSmallBody(r.req, r.auth, 64 * 1024);
  const upload = await r.core.uploads.create(r.bucket!, r.key!, headers, userMetadata);
  sendXml(
    r.res,
    200,
    'InitiateMultipartUploadResult',
    { Bucket: r.bucket, Key: r.key, UploadId: upload.uploadId },
    { 'x-amz-request-id': r.requestId },
  );
}

/** PUT /bucket/key?partNumber=N&uploadId=X — UploadPart. */
export async function uploadPart(r: S3Request): Promise<void> {
  if (headerValue(r.req, 'x-amz-copy-source') !== undefined) {
    throw new S3Error('NotImplemented', 'UploadPartCopy is not supported');
  }
  const text = r.query.get('partNumber')!;
  const partNumber = Number(text);
  if (!/^\d+$/.test(text) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new S3Error(
      'InvalidArgument',
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
      {
        ArgumentName: 'partNumber',
        ArgumentValue: text,
      },
    );
  }
  const upload = r.core.uploads.get(r.query.get('uploadId')!, r.bucket!, r.key!);
  const temp = await r.core.store.tempFile();
  try {
    const body = await receiveBody(r.req, r.auth, r.core.maxRequestBytes, (chunk) => temp.write(chunk));
    const part = await r.core.uploads.putPart(upload, partNumber, temp, body.md5Hex);
    sendEmpty(r.res, 200, {
      ETag: part.etag,
      ...checksumHeaders(body.checksums),
      'x-amz-request-id': r.requestId,
    });
  } catch (error) {
    await temp.discard();
    throw error;
  }
}

/** POST /bucket/key?uploadId=X — CompleteMultipartUpload (AWS size and order rules, `-N` ETag). */
export async function completeMultipartUpload(r: S3Request): Promise<void> {
  const upload = r.core.uploads.get(r.query.get('uploadId')!, r.bucket!, r.key!);
  const doc = await receiveXml(r.req, r.auth);
  const parts = (
    doc.CompleteMultipartUpload as { Part?: { PartNumber?: unknown; ETag?: unknown }[] } | undefined
  )?.Part;
  if (!parts)
    throw new S3Error(
      'MalformedXML',
      'CompleteMultipartUpload needs a <CompleteMultipartUpload> with <Part> elements',
    );
  const requested = parts.map((p) => {
    const partNumber = Number(p.PartNumber);
    if (!Number.isInteger(partNumber) || typeof p.ETag !== 'string') {
      throw new S3Error('MalformedXML', 'Every <Part> needs an integer <PartNumber> and an <ETag>');
    }
    return { partNumber, etag: p.ETag };
  });
  const meta = await r.core.uploads.complete(upload, requested, writeCondition(r.req));
  sendXml(
    r.res,
    200,
    'CompleteMultipartUploadResult',
    { Location: `/${r.bucket}/${encodeURI(r.key!)}`, Bucket: r.bucket, Key: r.key, ETag: meta.etag },
    { 'x-amz-request-id': r.requestId },
  );
}

/** DELETE /bucket/key?uploadId=X — AbortMultipartUpload. */
export async function abortMultipartUpload(r: S3Request): Promise<void> {
  const upload = r.core.uploads.get(r.query.get('uploadId')!, r.bucket!, r.key!);
  await r.core.uploads.abort(upload);
  sendEmpty(r.res, 204, { 'x-amz-request-id': r.requestId });
}

/** GET /bucket/key?uploadId=X — ListParts (max-parts, part-number-marker). */
export async function listParts(r: S3Request): Promise<void> {
  const upload = r.core.uploads.get(r.query.get('uploadId')!, r.bucket!, r.key!);
  const maxParts = Math.min(Number(r.query.get('max-parts') ?? 1000), 1000);
  const marker = Number(r.query.get('part-number-marker') ?? 0);
  if (!Number.isInteger(maxParts) || maxParts < 0 || !Number.isInteger(marker) || marker < 0) {
    throw new S3Error('InvalidArgument', 'max-parts and part-number-marker must be non-negative integers');
  }
  const after = (await r.core.uploads.parts(upload)).filter((p) => p.partNumber > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  sendXml(
    r.res,
    200,
    'ListPartsResult',
    {
      Bucket: r.bucket,
      Key: r.key,
      UploadId: upload.uploadId,
      PartNumberMarker: marker,
      NextPartNumberMarker: page.length ? page[page.length - 1].partNumber : marker,
      MaxParts: maxParts,
      IsTruncated: truncated,
      StorageClass: 'STANDARD',
      Part: page.map((p) => ({
        PartNumber: p.partNumber,
        LastModified: p.lastModified,
        ETag: p.etag,
        Size: p.size,
      })),
    },
    { 'x-amz-request-id': r.requestId },
  );
}

/** GET /bucket?uploads — ListMultipartUploads (prefix filter; all uploads on one page). */
export async function listMultipartUploads(r: S3Request): Promise<void> {
  r.core.store.index(r.bucket!);
  const prefix = r.query.get('prefix') ?? '';
  const uploads = r.core.uploads
    .list(r.bucket!)
    .filter((u) => u.key.startsWith(prefix))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated < b.initiated ? -1 : 1));
  sendXml(
    r.res,
    200,
    'ListMultipartUploadsResult',
    {
      Bucket: r.bucket,
      KeyMarker: '',
      UploadIdMarker: '',
      Prefix: prefix,
      MaxUploads: 1000,
      IsTruncated: false,
      Upload: uploads.map((u) => ({
        Key: u.key,
        UploadId: u.uploadId,
        Initiated: u.initiated,
        StorageClass: 'STANDARD',
      })),
    },
    { 'x-amz-request-id': r.requestId },
  );
}
