import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from '../errors.js';
import { uriEncode } from './uri-encode.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** How the body is protected, from `x-amz-content-sha256` (or a presigned URL: unsigned). */
export type PayloadMode =
  | { kind: 'unsigned' }
  | { kind: 'sha256'; expected: string }
  /** aws-chunked body; `signed` chunks carry signatures chained from the request's; `trailer` headers follow the last chunk. */
  | { kind: 'chunked'; signed: boolean; trailer: boolean };

/** The key pairs a server accepts: one, or several (a keys file). */
export type KeyPairs = Credentials | readonly Credentials[];

export interface Authenticated {
  /** The key id the request was signed with (for permission checks). */
  accessKeyId: string;
  payload: PayloadMode;
  /** For verifying chunk and trailer signatures. */
  signing: { key: Buffer; seed: string; amzDate: string; scope: string };
}

export interface SignedRequest {
  method: string;
  /** Path as sent, still percent-encoded. */
  rawPath: string;
  /** Decoded query parameters in request order. */
  query: [string, string][];
  /** Node's `rawHeaders`: name, value, name, value… */
  rawHeaders: string[];
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * Verifies an AWS Signature Version 4 request (Authorization header or presigned query) against
 * the configured key pairs; throws the S3 error a real bucket answers with otherwise.
 */
export function authenticate(request: SignedRequest, credentials: KeyPairs, now = Date.now()): Authenticated {
  const headers = headerMap(request.rawHeaders);
  const authorization = headers.get('authorization');
  const queryAlgorithm = request.query.find(([name]) => name === 'X-Amz-Algorithm')?.[1];
  if (authorization !== undefined) return fromHeader(request, headers, authorization, credentials, now);
  if (queryAlgorithm !== undefined) return fromQuery(request, headers, queryAlgorithm, credentials, now);
  throw new S3Error('AccessDenied', 'Access Denied (the request is not signed)');
}

function fromHeader(
  request: SignedRequest,
  headers: Map<string, string>,
  authorization: string,
  keyPairs: KeyPairs,
  now: number,
): Authenticated {
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    throw new S3Error('AccessDenied', `Only ${ALGORITHM} (Signature Version 4) is supported`);
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw new S3Error(
      'AccessDenied',
      'The Authorization header is malformed: it needs Credential, SignedHeaders and Signature',
    );
  }
  const amzDate = headers.get('x-amz-date');
  if (!amzDate)
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  const contentSha256 = headers.get('x-amz-content-sha256');
  if (!contentSha256) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  const payload = payloadMode(contentSha256);
  const { scope, credentials } = checkScope(credential, amzDate, keyPairs);
  checkTime(amzDate, now, 0);
  const canonical = canonicalRequest(request, headers, signedHeaders, request.query, contentSha256);
  const key = signingKey(credentials.secretAccessKey, scope);
  checkSignature(key, amzDate, scope, canonical, signature);
  return { accessKeyId: credentials.accessKeyId, payload, signing: { key, seed: signature, amzDate, scope } };
}

function fromQuery(
  request: SignedRequest,
  headers: Map<string, string>,
  algorithm: string,
  keyPairs: KeyPairs,
  now: number,
): Authenticated {
  const param = (name: string) => request.query.find(([n]) => n === name)?.[1];
  if (algorithm !== ALGORITHM)
    throw new S3Error('AccessDenied', `Only ${ALGORITHM} (Signature Version 4) is supported`);
  const credential = param('X-Amz-Credential');
  const amzDate = param('X-Amz-Date');
  const expires = Number(param('X-Amz-Expires'));
  const signedHeaders = param('X-Amz-SignedHeaders');
  const signature = param('X-Amz-Signature');
  if (!credential || !amzDate || !signedHeaders || !signature || !Number.isInteger(expires)) {
    throw new S3Error(
      'AccessDenied',
      'Query-string authentication requires X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature',
    );
  }
  if (expires < 1 || expires > MAX_PRESIGN_SECONDS) {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      'X-Amz-Expires must be between 1 and 604800 seconds',
    );
  }
  const { scope, credentials } = checkScope(credential, amzDate, keyPairs);
  checkTime(amzDate, now, expires);
  const query = request.query.filter(([name]) => name !== 'X-Amz-Signature');
  const canonical = canonicalRequest(request, headers, signedHeaders, query, 'UNSIGNED-PAYLOAD');
  const key = signingKey(credentials.secretAccessKey, scope);
  checkSignature(key, amzDate, scope, canonical, signature);
  return {
    accessKeyId: credentials.accessKeyId,
    payload: { kind: 'unsigned' },
    signing: { key, seed: signature, amzDate, scope },
  };
}

function payloadMode(contentSha256: string): PayloadMode {
  switch (contentSha256) {
    case 'UNSIGNED-PAYLOAD':
      return { kind: 'unsigned' };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD':
      return { kind: 'chunked', signed: true, trailer: false };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER':
      return { kind: 'chunked', signed: true, trailer: true };
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER':
      return { kind: 'chunked', signed: false, trailer: true };
    default:
      if (/^[0-9a-f]{64}$/.test(contentSha256)) return { kind: 'sha256', expected: contentSha256 };
      throw new S3Error(
        'InvalidArgument',
        `x-amz-content-sha256 must be a SHA-256 hex digest or a known mode, not ${contentSha256}`,
      );
  }
}

/** `<key id>/<yyyymmdd>/<region>/s3/aws4_request` → the scope after the key id. */
function checkScope(
  credential: string,
  amzDate: string,
  keyPairs: KeyPairs,
): { scope: string; credentials: Credentials } {
  const slash = credential.indexOf('/');
  const accessKeyId = slash < 0 ? credential : credential.slice(0, slash);
  const credentials = (Array.isArray(keyPairs) ? keyPairs : [keyPairs as Credentials]).find(
    (pair) => pair.accessKeyId === accessKeyId,
  );
  if (!credentials) {
    throw new S3Error(
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      {
        AWSAccessKeyId: accessKeyId,
      },
    );
  }
  const scope = credential.slice(slash + 1);
  const [date, region, service, terminator] = scope.split('/');
  if (date !== amzDate.slice(0, 8) || !region || service !== 's3' || terminator !== 'aws4_request') {
    throw new S3Error(
      'AccessDenied',
      `Invalid credential scope ${scope}: expected <date of x-amz-date>/<region>/s3/aws4_request`,
    );
  }
  return { scope, credentials };
}

function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) throw new S3Error('AccessDenied', `x-amz-date ${amzDate} is not in the form yyyyMMddTHHmmssZ`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/** Header-signed requests must be within 15 minutes of our clock; presigned ones within their expiry. */
function checkTime(amzDate: string, now: number, expiresSeconds: number): void {
  const signedAt = parseAmzDate(amzDate);
  if (signedAt - now > MAX_SKEW_MS || (expiresSeconds === 0 && now - signedAt > MAX_SKEW_MS)) {
    throw new S3Error(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      {
        RequestTime: amzDate,
        ServerTime: new Date(now).toISOString(),
      },
    );
  }
  if (expiresSeconds > 0 && now > signedAt + expiresSeconds * 1000) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      Expires: new Date(signedAt + expiresSeconds * 1000).toISOString(),
      ServerTime: new Date(now).toISOString(),
    });
  }
}

function canonicalRequest(
  request: SignedRequest,
  headers: Map<string, string>,
  signedHeaders: string,
  query: [string, string][],
  payloadHash: string,
): string {
  const names = signedHeaders.split(';');
  if (!names.includes('host')) throw new S3Error('AccessDenied', 'The host header must be signed');
  const canonicalHeaders = names.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join('');
  const canonicalQuery = query
    .map(([name, value]) => [uriEncode(name), uriEncode(value)])
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return [request.method, request.rawPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join(
    '\n',
  );
}

export function signingKey(secret: string, scope: string): Buffer {
  const [date, region, service] = scope.split('/');
  let key = hmac(`AWS4${secret}`, date);
  key = hmac(key, region);
  key = hmac(key, service);
  return hmac(key, 'aws4_request');
}

export function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function checkSignature(
  key: Buffer,
  amzDate: string,
  scope: string,
  canonical: string,
  signature: string,
): void {
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
  const expected = hmac(key, stringToSign).toString('hex');
  if (!sameHex(expected, signature)) {
    throw new S3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { StringToSign: stringToSign, CanonicalRequest: canonical },
    );
  }
}

export function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Lower-cased header names → values (repeated headers joined by commas), whitespace collapsed as SigV4 requires. */
export function headerMap(rawHeaders: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1].trim().replace(/\s+/g, ' ');
    const previous = map.get(name);
    map.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  return map;
}
