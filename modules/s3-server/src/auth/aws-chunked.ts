import { createHash } from 'node:crypto';
import { S3Error } from '../errors.js';
import { EMPTY_SHA256, hmac, sameHex, sha256Hex } from './sigv4.js';

export interface ChunkSigning {
  key: Buffer;
  seed: string;
  amzDate: string;
  scope: string;
}

export interface ChunkedOptions {
  /** Verify `chunk-signature` of every chunk (and the trailer's) against this chain. */
  signing?: ChunkSigning;
  /** Headers follow the last chunk (checksums named by `x-amz-trailer`). */
  trailer: boolean;
  /** Receives the trailing headers, lower-cased names. */
  onTrailers(trailers: Map<string, string>): void;
}

const MAX_LINE = 4096;

/**
 * Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n`…, a zero-size
 * chunk, optional trailing headers, an empty line), verifying the chained chunk signatures of
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] bodies. Yields the decoded bytes as they arrive; a
 * bad signature or framing throws after some bytes were yielded, so callers commit nothing until the
 * generator finishes.
 */
export async function* decodeAwsChunked(
  source: AsyncIterable<Buffer>,
  options: ChunkedOptions,
): AsyncGenerator<Buffer> {
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  let previous = options.signing?.seed ?? '';
  for (;;) {
    const header = await reader.line();
    const [sizeText, ...extensions] = header.split(';');
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText.trim()))
      throw malformed(`bad chunk size line ${JSON.stringify(header)}`);
    const size = Number.parseInt(sizeText, 16);
    const signature = extensions
      .map((e) => e.trim())
      .find((e) => e.startsWith('chunk-signature='))
      ?.slice(16);
    const hash = options.signing ? createHash('sha256') : undefined;
    for await (const piece of reader.bytes(size)) {
      hash?.update(piece);
      yield piece;
    }
    if (options.signing) {
      if (!signature) throw malformed('a chunk lacks its chunk-signature');
      const stringToSign = [
        'AWS4-HMAC-SHA256-PAYLOAD',
        options.signing.amzDate,
        options.signing.scope,
        previous,
        EMPTY_SHA256,
        hash!.digest('hex'),
      ].join('\n');
      const expected = hmac(options.signing.key, stringToSign).toString('hex');
      if (!sameHex(expected, signature)) {
        throw new S3Error(
          'SignatureDoesNotMatch',
          'The chunk signature we calculated does not match the one you provided.',
        );
      }
      previous = expected;
    }
    if (size === 0) break;
    if ((await reader.line()) !== '') throw malformed('chunk data is not followed by CRLF');
  }
  const trailers = new Map<string, string>();
  const trailerLines: string[] = [];
  let trailerSigned = false;
  for (;;) {
    const line = await reader.line();
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(`bad trailing header ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      if (!options.signing) continue;
      const stringToSign = [
        'AWS4-HMAC-SHA256-TRAILER',
        options.signing.amzDate,
        options.signing.scope,
        previous,
        sha256Hex(trailerLines.join('')),
      ].join('\n');
      if (!sameHex(hmac(options.signing.key, stringToSign).toString('hex'), value)) {
        throw new S3Error(
          'SignatureDoesNotMatch',
          'The trailer signature we calculated does not match the one you provided.',
        );
      }
      trailerSigned = true;
    } else {
      trailers.set(name, value);
      trailerLines.push(`${name}:${value}\n`);
    }
  }
  if (options.signing && options.trailer && !trailerSigned) {
    throw malformed('signed trailers need an x-amz-trailer-signature');
  }
  options.onTrailers(trailers);
  if (await reader.hasMore()) throw malformed('bytes after the end of the aws-chunked body');
}

function malformed(detail: string): S3Error {
  return new S3Error('IncompleteBody', `Malformed aws-chunked body: ${detail}`);
}

/** Pulls lines and fixed-size runs of bytes out of an async byte stream. */
class ByteReader {
  private buffer: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async more(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.source.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
    return true;
  }

  async hasMore(): Promise<boolean> {
    return this.buffer.length > 0 || (await this.more());
  }

  /** The next CRLF-terminated line, without the CRLF. */
  async line(): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffer.subarray(0, end).toString('latin1');
        this.buffer = this.buffer.subarray(end + 2);
        return line;
      }
      if (this.buffer.length > MAX_LINE) throw malformed('a line longer than 4 KiB');
      if (!(await this.more()))
        throw new S3Error('IncompleteBody', 'The request body ended inside an aws-chunked frame');
    }
  }

  async *bytes(count: number): AsyncGenerator<Buffer> {
    let left = count;
    while (left > 0) {
      if (this.buffer.length === 0 && !(await this.more())) {
        throw new S3Error('IncompleteBody', 'The request body ended inside an aws-chunked chunk');
      }
      const take = Math.min(left, this.buffer.length);
      yield this.buffer.subarray(0, take);
      this.buffer = this.buffer.subarray(take);
      left -= take;
    }
  }
}
