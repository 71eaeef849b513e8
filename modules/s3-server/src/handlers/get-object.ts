import { pipeline } from 'node:stream/promises';
import { S3Error } from '../errors.js';
import { type S3Request, headerValue } from '../http/context.js';
import { sendEmpty } from '../http/respond.js';
import { objectHeaders } from './object-headers.js';
import { checkReadConditions, parseRange } from './read-conditions.js';

/** `response-*` query parameters of GetObject (used with presigned URLs) override stored headers. */
const OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

/** HEAD /bucket/key */
export async function headObject(r: S3Request): Promise<void> {
  const meta = r.core.store.head(r.bucket!, r.key!);
  if (!meta) throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: r.key! });
  checkReadConditions(r.req, meta);
  const range = parseRange(headerValue(r.req, 'range'), meta.size);
  const headers = {
    ...objectHeaders(meta, !range && headerValue(r.req, 'x-amz-checksum-mode') === 'ENABLED'),
    'x-amz-request-id': r.requestId,
  };
  if (range) {
    r.res.writeHead(206, {
      ...headers,
      'Content-Range': `bytes ${range.start}-${range.end}/${meta.size}`,
      'Content-Length': range.end - range.start + 1,
    });
  } else {
    r.res.writeHead(200, { ...headers, 'Content-Length': meta.size });
  }
  r.res.end();
}

/** GET /bucket/key — whole object or one byte range, after the preconditions. */
export async function getObject(r: S3Request): Promise<void> {
  const { meta, handle } = await r.core.store.openObject(r.bucket!, r.key!);
  try {
    checkReadConditions(r.req, meta);
    const range = parseRange(headerValue(r.req, 'range'), meta.size);
    const headers: Record<string, string | number> = {
      ...objectHeaders(meta, !range && headerValue(r.req, 'x-amz-checksum-mode') === 'ENABLED'),
      'x-amz-request-id': r.requestId,
    };
    for (const [param, header] of Object.entries(OVERRIDES)) {
      const value = r.query.get(param);
      if (value !== undefined) headers[header] = value;
    }
    if (meta.size === 0) {
      await handle.close();
      sendEmpty(r.res, 200, headers);
      return;
    }
    const { start, end } = range ?? { start: 0, end: meta.size - 1 };
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${meta.size}`;
    headers['Content-Length'] = end - start + 1;
    r.res.writeHead(range ? 206 : 200, headers);
    await pipeline(
      handle.createReadStream({ start, end, autoClose: true, highWaterMark: 256 * 1024 }),
      r.res,
    );
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}
