import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { lockDirectory } from '@meterstream/dir-lock';
import type { HttpsServerOptions } from '@meterstream/security';
import pino, { type Logger } from 'pino';
import type { AccessKey } from './auth/access-keys.js';
import { isRefused, limitConnections } from './http/connection-limits.js';
import type { ServerCore } from './http/context.js';
import { handleRequest } from './http/handle-request.js';
import { checkBucketName } from './http/names.js';
import { Durability } from './storage/fs-durable.js';
import { MultipartStore } from './storage/multipart-store.js';
import { ObjectStore } from './storage/object-store.js';
import { migrateS3rverLayout } from './storage/s3rver-layout.js';
import { escapeXml } from './xml.js';

/** The key pair the server accepts unless configured otherwise (also meterstream's config default). */
export const DEFAULT_ACCESS_KEY_ID = 'meterstream';
export const DEFAULT_SECRET_ACCESS_KEY = 'meterstream-secret';

export interface S3ServerOptions {
  /** Objects, multipart uploads and temporary files live here (created when missing). */
  dataDir: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Buckets created at start when missing (existing buckets and their objects are kept). */
  buckets?: string[];
  /** One bucket created at start (same as `buckets: [bucket]`). */
  bucket?: string;
  /** The only key pair accepted (default `meterstream` / `meterstream-secret`) unless `keys` is given. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /**
   * The accepted key pairs with their bucket grants (`readAccessKeysFile`); when given, these
   * alone are accepted and `accessKeyId`/`secretAccessKey` are ignored.
   */
  keys?: AccessKey[];
  /** Reported by HeadBucket / GetBucketLocation; signatures of any region are accepted. Default us-east-1. */
  region?: string;
  /** Open connections in total (default 1024) and per client address (default 256). */
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  /** A connection without traffic for this long is closed (default 600,000 ms = 10 min). */
  idleTimeoutMs?: number;
  /** Largest body of one request (PutObject, UploadPart); default 5 GiB, S3's single-PUT limit. */
  maxRequestBytes?: number;
  /**
   * fsync files and directories before a write is acknowledged (default true). false keeps writes
   * atomic and crash-safe for the server process, not for the machine (tests, throwaway stacks).
   */
  fsync?: boolean;
  /** Serve HTTPS with this key and certificate chain (`httpsServerOptions`); plain HTTP without. */
  tls?: HttpsServerOptions;
  logger?: Logger;
}

export interface S3Server {
  /** e.g. `http://127.0.0.1:41234`, for `--s3-endpoint`. */
  endpoint: string;
  host: string;
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Stops accepting and closes every connection (committed objects are already durable). */
  close(): Promise<void>;
}

/**
 * Opens the data directory (already locked by the caller): the one place that touches it before the
 * server listens. Imports an s3rver layout found there.
 */
async function openDataDir(
  dataDir: string,
  fsync: boolean,
  log: Logger,
): Promise<Pick<ServerCore, 'store' | 'uploads'>> {
  const store = await ObjectStore.open(dataDir, new Durability(fsync));
  const { imported, skipped } = await migrateS3rverLayout(dataDir, store);
  for (const [bucket, count] of Object.entries(imported)) {
    log.warn({ bucket, objects: count }, 'imported an s3rver data directory into the current layout');
  }
  for (const dir of skipped) {
    log.warn({ dir }, 'not importing this s3rver-looking directory: it holds files s3rver did not write');
  }
  return { store, uploads: await MultipartStore.open(dataDir, store) };
}

/** Starts the embedded S3-compatible server (path-style addressing, SigV4). */
export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  const host = options.host ?? '127.0.0.1';
  const log = options.logger ?? pino({ name: 's3-server', level: process.env.LOG_LEVEL ?? 'warn' });
  const buckets = [...(options.buckets ?? []), ...(options.bucket ? [options.bucket] : [])];
  buckets.forEach(checkBucketName);
  // One process per data directory, taken before anything in it is read (or an s3rver layout
  // imported): a second server on a live directory would serve and write objects under the first.
  const lock = await lockDirectory(options.dataDir, { owner: 'meterstream s3-server' });
  const { store, uploads } = await openDataDir(options.dataDir, options.fsync ?? true, log).catch(
    async (error: unknown) => {
      await lock.release();
      throw error;
    },
  );
  for (const bucket of buckets) await store.createBucket(bucket);
  const core: ServerCore = {
    store,
    uploads,
    keys:
      options.keys && options.keys.length > 0
        ? options.keys
        : [
            {
              accessKeyId: options.accessKeyId ?? DEFAULT_ACCESS_KEY_ID,
              secretAccessKey: options.secretAccessKey ?? DEFAULT_SECRET_ACCESS_KEY,
            },
          ],
    region: options.region ?? 'us-east-1',
    maxRequestBytes: options.maxRequestBytes ?? 5 * 1024 ** 3,
    log,
  };
  const idleTimeoutMs = options.idleTimeoutMs ?? 600_000;
  const httpOptions = {
    // Slow uploads are bounded by the idle timeout (no bytes for that long), not by a total duration.
    requestTimeout: 0,
    headersTimeout: Math.min(60_000, idleTimeoutMs),
    keepAliveTimeout: idleTimeoutMs,
  };
  const server: Server = options.tls
    ? createHttpsServer({ ...options.tls, ...httpOptions }, onRequest)
    : createServer(httpOptions, onRequest);
  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (isRefused(req.socket)) {
      req.socket.destroy();
      return;
    }
    handleRequest(req, res, core).catch((err: unknown) => {
      // Only reached when even the error answer failed; the connection goes, the server stays.
      log.error({ err }, 'could not answer a request');
      res.destroy();
    });
  }
  server.timeout = idleTimeoutMs;
  limitConnections(
    server,
    {
      maxConnections: options.maxConnections ?? 1024,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? 256,
    },
    log,
  );
  // Plain HTTP (or a client not trusting the certificate) on the TLS port: drop that connection only.
  server.on('tlsClientError', (err: Error, socket: Socket) => {
    log.debug({ err }, 'TLS handshake failed');
    socket.destroy();
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    log.debug({ err }, 'bad HTTP from a client');
    if (socket.writable && err.code !== 'ECONNRESET') {
      const body =
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidRequest</Code>' +
        `<Message>Malformed HTTP request (${escapeXml(err.code ?? err.message)})</Message></Error>`;
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nConnection: close\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      (socket as Socket).destroySoon();
    } else {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await lock.release();
    throw error;
  });
  server.on('error', (err) => log.error({ err }, 'server socket error'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  log.info({ host, port, dataDir: options.dataDir }, 'S3 server listening');
  let closing: Promise<void> | undefined;
  return {
    endpoint: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    accessKeyId: core.keys[0].accessKeyId,
    secretAccessKey: core.keys[0].secretAccessKey,
    region: core.region,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => lock.release());
      return closing;
    },
  };
}
