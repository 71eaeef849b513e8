import type { IncomingMessage } from 'node:http';
import { S3Error } from '../errors.js';
import { headerValue } from '../http/context.js';
import type { ObjectMeta } from '../storage/key-index.js';
import { etagMatches } from '../storage/object-store.js';

/**
 * RFC 7232 preconditions of GET/HEAD, in S3's precedence: If-Match beats If-Unmodified-Since
 * (412), If-None-Match beats If-Modified-Since (304 Not Modified).
 */
export function checkReadConditions(req: IncomingMessage, meta: ObjectMeta): void {
  const modified = Math.floor(Date.parse(meta.lastModified) / 1000) * 1000;
  const ifMatch = headerValue(req, 'if-match');
  const ifNoneMatch = headerValue(req, 'if-none-match');
  const ifModifiedSince = httpDate(headerValue(req, 'if-modified-since'));
  const ifUnmodifiedSince = httpDate(headerValue(req, 'if-unmodified-since'));
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, meta.etag)) throw preconditionFailed('If-Match');
  } else if (ifUnmodifiedSince !== undefined && modified > ifUnmodifiedSince) {
    throw preconditionFailed('If-Unmodified-Since');
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, meta.etag)) throw notModified(meta);
  } else if (ifModifiedSince !== undefined && modified <= ifModifiedSince) {
    throw notModified(meta);
  }
}

function httpDate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time; // an invalid date is ignored, as by HTTP
}

function preconditionFailed(condition: string): S3Error {
  return new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
    Condition: condition,
  });
}

function notModified(meta: ObjectMeta): S3Error {
  return new S3Error('NotModified', 'Not Modified', { ETag: meta.etag });
}

export type ByteRange = { start: number; end: number };

/**
 * `Range: bytes=a-b | a- | -n`, one range. Syntax S3 ignores (several ranges, garbage, b < a)
 * yields undefined: the whole object. A range starting past the end, or `-0`, is InvalidRange (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const unsatisfiable = () =>
    new S3Error('InvalidRange', 'The requested range is not satisfiable', {
      RangeRequested: header,
      ActualObjectSize: String(size),
    });
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return { start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) };
}
