import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { FAILED_LOGIN_DELAY_MS } from '@meterstream/security';
import { checkPermissions, neededAccess } from '../auth/permissions.js';
import { authenticate } from '../auth/sigv4.js';
import { parseQuery, uriDecode } from '../auth/uri-encode.js';
import { S3Error } from '../errors.js';
import type { ServerCore } from './context.js';
import { checkObjectKey } from './names.js';
import { sendError } from './respond.js';
import { route } from './router.js';

/**
 * One HTTP request: parse the path-style address (`/<bucket>/<key>`), verify the signature, run the
 * operation. Every failure becomes an S3 error document; an unexpected one is logged and answered
 * InternalError, and never affects other requests. When the body was not read, the connection is
 * closed after the answer rather than draining an upload nobody will store.
 */
export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  core: ServerCore,
): Promise<void> {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const method = req.method ?? 'GET';
  let resource = rawPath;
  try {
    const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
    if (!query || !rawPath.startsWith('/')) throw new S3Error('InvalidArgument', `Invalid URI ${url}`);
    const auth = authenticate({ method, rawPath, query, rawHeaders: req.rawHeaders }, core.keys);
    const slash = rawPath.indexOf('/', 1);
    const bucketText = uriDecode(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
    const keyText =
      slash < 0 || slash === rawPath.length - 1 ? undefined : uriDecode(rawPath.slice(slash + 1));
    if (bucketText === undefined || (slash >= 0 && slash < rawPath.length - 1 && keyText === undefined)) {
      throw new S3Error('InvalidArgument', `The path ${rawPath} is not valid percent-encoded UTF-8`);
    }
    resource = keyText === undefined ? `/${bucketText}` : `/${bucketText}/${keyText}`;
    if (keyText !== undefined) checkObjectKey(keyText);
    const bucket = bucketText === '' ? undefined : bucketText;
    const copySource = req.headers['x-amz-copy-source'];
    checkPermissions(
      core.keys.find((k) => k.accessKeyId === auth.accessKeyId),
      neededAccess(
        method,
        bucket,
        keyText,
        new Map([...query].reverse()),
        Array.isArray(copySource) ? copySource[0] : copySource,
      ),
    );
    const request = {
      req,
      res,
      core,
      requestId,
      method,
      bucket,
      key: keyText,
      query: new Map([...query].reverse()),
      auth,
    };
    await route(request)(request);
  } catch (error) {
    const s3Error =
      error instanceof S3Error
        ? error
        : new S3Error('InternalError', 'We encountered an internal error. Please try again.');
    if (!(error instanceof S3Error)) {
      if (isClientGone(error, req)) {
        res.destroy();
        return;
      }
      core.log.error({ err: error, method, url }, 'request failed');
    }
    // A failed login (unknown key, wrong secret) is answered late, as the other servers do
    // (FAILED_LOGIN_DELAY_MS): a timer, so other clients are served meanwhile.
    if (FAILED_LOGIN_CODES.has(s3Error.code)) await delay(FAILED_LOGIN_DELAY_MS);
    sendError(res, s3Error, requestId, resource, method === 'HEAD', unreadBody(req));
  }
}

const FAILED_LOGIN_CODES: ReadonlySet<string> = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch']);

function isClientGone(error: unknown, req: IncomingMessage): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return (
    req.destroyed ||
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    (error as Error).message === 'aborted'
  );
}

/** Whether a request body remains unread (then the connection cannot carry another request). */
function unreadBody(req: IncomingMessage): boolean {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  return hasBody && !req.complete;
}
