import { uriEncode } from '../auth/uri-encode.js';
import { S3Error } from '../errors.js';
import type { S3Request } from '../http/context.js';
import { sendXml } from '../http/respond.js';
import type { ObjectMeta } from '../storage/key-index.js';
import { listKeys } from '../storage/list-keys.js';

const MAX_KEYS = 1000;

/** GET /bucket?list-type=2 — ListObjectsV2 (continuation-token, start-after). */
export async function listObjectsV2(r: S3Request): Promise<void> {
  const index = r.core.store.index(r.bucket!);
  const q = listParams(r);
  const token = r.query.get('continuation-token');
  let after = r.query.get('start-after') ?? '';
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!token || Buffer.from(decoded, 'utf8').toString('base64url') !== token) {
      throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', {
        ArgumentName: 'continuation-token',
      });
    }
    after = decoded;
  }
  const page = listKeys(index, { prefix: q.prefix, delimiter: q.delimiter, after, maxKeys: q.maxKeys });
  const enc = q.encode;
  sendXml(
    r.res,
    200,
    'ListBucketResult',
    {
      Name: r.bucket,
      Prefix: enc(q.prefix),
      Delimiter: q.delimiter ? enc(q.delimiter) : undefined,
      MaxKeys: q.maxKeys,
      EncodingType: q.encodingType,
      KeyCount: page.objects.length + page.commonPrefixes.length,
      IsTruncated: page.isTruncated,
      ContinuationToken: token,
      NextContinuationToken: page.isTruncated
        ? Buffer.from(page.last!, 'utf8').toString('base64url')
        : undefined,
      StartAfter: r.query.has('start-after') ? enc(r.query.get('start-after')!) : undefined,
      Contents: page.objects.map((o) => contents(o, enc)),
      CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    },
    { 'x-amz-request-id': r.requestId },
  );
}

/** GET /bucket — ListObjects (V1: marker, NextMarker). */
export async function listObjectsV1(r: S3Request): Promise<void> {
  const index = r.core.store.index(r.bucket!);
  const q = listParams(r);
  const marker = r.query.get('marker') ?? '';
  const page = listKeys(index, {
    prefix: q.prefix,
    delimiter: q.delimiter,
    after: marker,
    maxKeys: q.maxKeys,
  });
  const enc = q.encode;
  sendXml(
    r.res,
    200,
    'ListBucketResult',
    {
      Name: r.bucket,
      Prefix: enc(q.prefix),
      Marker: enc(marker),
      NextMarker: page.isTruncated ? enc(page.last!) : undefined,
      Delimiter: q.delimiter ? enc(q.delimiter) : undefined,
      MaxKeys: q.maxKeys,
      EncodingType: q.encodingType,
      IsTruncated: page.isTruncated,
      Contents: page.objects.map((o) => contents(o, enc)),
      CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    },
    { 'x-amz-request-id': r.requestId },
  );
}

function listParams(r: S3Request) {
  const maxText = r.query.get('max-keys');
  const maxKeys = maxText === undefined ? MAX_KEYS : Number(maxText);
  if (!/^\d+$/.test(maxText ?? '0') || !Number.isSafeInteger(maxKeys)) {
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', {
      ArgumentName: 'max-keys',
      ArgumentValue: maxText ?? '',
    });
  }
  const encodingType = r.query.get('encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
    });
  }
  return {
    prefix: r.query.get('prefix') ?? '',
    delimiter: r.query.get('delimiter') ?? '',
    maxKeys: Math.min(maxKeys, MAX_KEYS),
    encodingType,
    // encoding-type=url: keys may hold characters XML 1.0 cannot carry; boto3 always asks for it.
    encode: encodingType === 'url' ? uriEncode : (text: string) => text,
  };
}

function contents(o: ObjectMeta, enc: (text: string) => string) {
  return {
    Key: enc(o.key),
    LastModified: o.lastModified,
    ETag: o.etag,
    Size: o.size,
    StorageClass: 'STANDARD',
  };
}
