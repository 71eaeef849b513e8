import type { IncomingMessage } from 'node:http';
import { S3Error } from '../errors.js';
import { type ObjectMeta, STORED_HEADERS } from '../storage/key-index.js';
import type { WriteCondition } from '../storage/object-store.js';
import { headerValue } from '../http/context.js';

const MAX_USER_METADATA_BYTES = 2048;

/** The headers and `x-amz-meta-*` of a PUT or CreateMultipartUpload, as stored with the object. */
export function storedHeaders(req: IncomingMessage): Pick<ObjectMeta, 'headers' | 'userMetadata'> {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let value = headerValue(req, name);
    if (name === 'content-encoding' && value !== undefined) {
      // aws-chunked is the transfer framing of this request, not a property of the object.
      value = value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v && v !== 'aws-chunked')
        .join(',');
    }
    if (value) headers[name] = value;
  }
  headers['content-type'] ??= 'binary/octet-stream';
  const userMetadata: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    userMetadata[name] = text;
    size += name.length - 11 + Buffer.byteLength(text);
  }
  if (size > MAX_USER_METADATA_BYTES) {
    throw new S3Error(
      'InvalidArgument',
      'Your metadata headers exceed the maximum allowed metadata size (2 KB)',
    );
  }
  return { headers, userMetadata };
}

/** If-None-Match / If-Match of a write (PutObject, CompleteMultipartUpload). */
export function writeCondition(req: IncomingMessage): WriteCondition {
  return { ifNoneMatch: headerValue(req, 'if-none-match'), ifMatch: headerValue(req, 'if-match') };
}

export function checksumHeaders(checksums: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(checksums).map(([name, value]) => [`x-amz-checksum-${name}`, value]),
  );
}

/** The headers GET and HEAD answer with. */
export function objectHeaders(meta: ObjectMeta, withChecksums: boolean): Record<string, string> {
  return {
    ...meta.headers,
    ...meta.userMetadata,
    ...(withChecksums ? checksumHeaders(meta.checksums) : {}),
    ETag: meta.etag,
    'Last-Modified': new Date(meta.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
  };
}
