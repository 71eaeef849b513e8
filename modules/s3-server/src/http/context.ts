import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AccessKey } from '../auth/access-keys.js';
import type { Authenticated } from '../auth/sigv4.js';
import type { MultipartStore } from '../storage/multipart-store.js';
import type { ObjectStore } from '../storage/object-store.js';

/** State shared by every request of one server. */
export interface ServerCore {
  store: ObjectStore;
  uploads: MultipartStore;
  /** The accepted key pairs, with their bucket grants. */
  keys: AccessKey[];
  region: string;
  /** Largest accepted body of one request (PutObject, UploadPart). */
  maxRequestBytes: number;
  log: Logger;
}

/** One authenticated request, its addressing already parsed from the path. */
export interface S3Request {
  req: IncomingMessage;
  res: ServerResponse;
  core: ServerCore;
  requestId: string;
  method: string;
  /** Decoded bucket name; undefined for the service (`GET /`). */
  bucket?: string;
  /** Decoded object key; undefined for bucket-level requests. */
  key?: string;
  /** Decoded query parameters (first value of each name). */
  query: Map<string, string>;
  auth: Authenticated;
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
