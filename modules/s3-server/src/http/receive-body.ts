import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { decodeAwsChunked } from '../auth/aws-chunked.js';
import type { Authenticated } from '../auth/sigv4.js';
import { S3Error } from '../errors.js';
import { parseXml } from '../xml.js';
import { CHECKSUM_NAMES, type ChecksumName, checksummer } from './checksums.js';

export interface ReceivedBody {
  bytes: number;
  md5Hex: string;
  /** Checksums the client sent (header or trailer), each verified except crc64nvme. */
  checksums: Record<string, string>;
}

/**
 * Streams a request body into `sink`, enforcing `maxBytes` and verifying everything the client
 * vouched for: the payload SHA-256 of a signed request, chunk signatures of aws-chunked bodies,
 * Content-MD5 and `x-amz-checksum-*` (header or trailer). Throws before returning when any does
 * not hold; the caller must then drop what the sink received.
 */
export async function receiveBody(
  req: IncomingMessage,
  auth: Authenticated,
  maxBytes: number,
  sink: (chunk: Buffer) => Promise<void> | void,
): Promise<ReceivedBody> {
  const chunked = auth.payload.kind === 'chunked';
  const declared = header(req, chunked ? 'x-amz-decoded-content-length' : 'content-length');
  if (chunked && declared === undefined) {
    throw new S3Error('MissingContentLength', 'aws-chunked uploads need x-amz-decoded-content-length');
  }
  const declaredBytes = declared === undefined ? undefined : Number(declared);
  if (declaredBytes !== undefined && (!Number.isSafeInteger(declaredBytes) || declaredBytes < 0)) {
    throw new S3Error('InvalidArgument', `bad content length ${declared}`);
  }
  if (declaredBytes !== undefined && declaredBytes > maxBytes) throw tooLarge(declaredBytes, maxBytes);

  const expected = new Map<ChecksumName, string | undefined>();
  for (const name of CHECKSUM_NAMES) {
    const value = header(req, `x-amz-checksum-${name}`);
    if (value !== undefined) expected.set(name, value);
  }
  for (const name of (header(req, 'x-amz-trailer') ?? '').split(',')) {
    const algorithm = name
      .trim()
      .toLowerCase()
      .replace(/^x-amz-checksum-/, '') as ChecksumName;
    if (name.trim() && CHECKSUM_NAMES.includes(algorithm)) expected.set(algorithm, undefined);
  }
  const summers = new Map([...expected.keys()].map((name) => [name, checksummer(name)]));
  const md5 = createHash('md5');
  const sha256 = auth.payload.kind === 'sha256' ? createHash('sha256') : undefined;
  let trailers = new Map<string, string>();
  const source: AsyncIterable<Buffer> =
    auth.payload.kind === 'chunked'
      ? decodeAwsChunked(req, {
          signing: auth.payload.signed ? auth.signing : undefined,
          trailer: auth.payload.trailer,
          onTrailers: (t) => {
            trailers = t;
          },
        })
      : req;
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw tooLarge(bytes, maxBytes);
    md5.update(chunk);
    sha256?.update(chunk);
    for (const summer of summers.values()) summer.update(chunk);
    await sink(chunk);
  }
  if (declaredBytes !== undefined && bytes !== declaredBytes) {
    throw new S3Error(
      'IncompleteBody',
      `You did not provide the number of bytes specified by the length header (${declaredBytes}; got ${bytes})`,
    );
  }
  if (sha256 && auth.payload.kind === 'sha256' && sha256.digest('hex') !== auth.payload.expected) {
    throw new S3Error(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const md5Digest = md5.digest();
  const contentMd5 = header(req, 'content-md5');
  if (contentMd5 !== undefined && contentMd5 !== md5Digest.toString('base64')) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  const checksums: Record<string, string> = {};
  for (const [name, summer] of summers) {
    const given = expected.get(name) ?? trailers.get(`x-amz-checksum-${name}`);
    if (given === undefined) {
      throw new S3Error(
        'InvalidRequest',
        `x-amz-trailer announced x-amz-checksum-${name} but the body did not carry it`,
      );
    }
    const computed = summer.digest();
    if (computed !== undefined && computed !== given) {
      throw new S3Error(
        'BadDigest',
        `The ${name.toUpperCase()} you specified did not match the calculated checksum.`,
      );
    }
    checksums[name] = given;
  }
  return { bytes, md5Hex: md5Digest.toString('hex'), checksums };
}

/** Reads a small request body (an XML document) into memory, with the same checks. */
export async function receiveSmallBody(
  req: IncomingMessage,
  auth: Authenticated,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await receiveBody(req, auth, maxBytes, (chunk) => {
    chunks.push(Buffer.from(chunk));
  });
  return Buffer.concat(chunks);
}

/** The largest XML document a request body may be (DeleteObjects' 1,000 keys fit many times). */
const MAX_XML_BYTES = 2 * 1024 * 1024;

/** Receives a request's XML document (see receiveSmallBody) and parses it; malformed XML is MalformedXML. */
export async function receiveXml(
  req: IncomingMessage,
  auth: Authenticated,
): Promise<Record<string, unknown>> {
  const body = await receiveSmallBody(req, auth, MAX_XML_BYTES);
  try {
    return parseXml(body.toString('utf8'));
  } catch (error) {
    throw new S3Error(
      'MalformedXML',
      `The XML you provided was not well-formed: ${(error as Error).message}`,
    );
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function tooLarge(bytes: number, max: number): S3Error {
  return new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
    ProposedSize: String(bytes),
    MaxSizeAllowed: String(max),
  });
}
