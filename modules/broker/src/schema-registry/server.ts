import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { lockDirectory } from '@meterstream/dir-lock';
import { BasicAuthenticator, httpBasicAuthGuard, type UserCredential } from '@meterstream/security';
import { pino, type Logger } from 'pino';
import { fdBudget } from '../os-limits.js';
import { registryDenial, requiredAccess } from './access.js';
import { ConnectionGate } from '../server/connection-limits.js';
import { RegistryError } from './errors.js';
import { route } from './routes.js';
import { SchemaStore } from './store.js';

export interface SchemaRegistryOptions {
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** Port to listen on; 0 picks a free port. Default 8081. */
  port?: number;
  /** Directory that holds the registry's journal (created if missing). */
  dataDir: string;
  logger?: Logger;
  /**
   * Largest request body accepted, in bytes: a bigger one is answered 413 (error_code 413) without
   * being buffered. Default 4 × maxSchemaBytes (4 MiB).
   */
  maxBodyBytes?: number;
  /** Largest schema text (UTF-8 bytes) registered, looked up or checked; 422/42201 beyond. Default 1 MiB. */
  maxSchemaBytes?: number;
  /** Client connections at once; more are closed at accept. Default as the broker's (fdBudget). */
  maxConnections?: number;
  /** Client connections at once from one address. Default maxConnections. */
  maxConnectionsPerIp?: number;
  /** A connection without traffic for this long is closed. Default 10 minutes. */
  connectionsMaxIdleMs?: number;
  /** HTTP Basic auth against these users (read/write/admin, see access.ts); off when absent. */
  users?: UserCredential[];
  /** Serve HTTPS with this key and certificate chain (`tlsServerOptions(bundle)`); HTTP when absent. */
  tls?: { key: string; cert: string };
}

export interface SchemaRegistryServer {
  host: string;
  port: number;
  /** http://host:port, as `@kafkajs/confluent-schema-registry` wants it. */
  url: string;
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Starts the Confluent-compatible Schema Registry REST API. */
export async function startSchemaRegistry(options: SchemaRegistryOptions): Promise<SchemaRegistryServer> {
  const host = options.host ?? '127.0.0.1';
  const log = (options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' })).child({
    component: 'schema-registry',
  });
  const maxSchemaBytes = options.maxSchemaBytes ?? 1024 * 1024;
  const maxBodyBytes = options.maxBodyBytes ?? 4 * maxSchemaBytes;
  const maxConnections = options.maxConnections ?? fdBudget().maxConnections;
  const gate = new ConnectionGate(
    'schema-registry',
    { maxConnections, maxConnectionsPerIp: options.maxConnectionsPerIp ?? maxConnections },
    log,
  );
  // One process per data directory, taken before the journal is read (see @meterstream/dir-lock).
  const lock = await lockDirectory(options.dataDir, { owner: 'meterstream schema registry' });
  const store = await SchemaStore.open(options.dataDir, log).catch(async (error: unknown) => {
    await lock.release();
    throw error;
  });

  const guard = options.users
    ? httpBasicAuthGuard(new BasicAuthenticator(options.users, 'schema-registry'), registryDenial)
    : undefined;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err, method: req.method, url: req.url }, 'schema registry request failed');
      if (!res.headersSent) reply(res, 500, { error_code: 50001, message: 'Internal server error' });
      else res.destroy();
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, onRequest) : createServer(onRequest);

  // Idle keep-alive connections are closed after keepAliveTimeout (5 s) already; this also ends
  // connections stalled in the middle of a request.
  server.setTimeout(options.connectionsMaxIdleMs ?? 600_000);
  server.on(options.tls ? 'secureConnection' : 'connection', (socket) => gate.admit(socket));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry');
    if (guard && !guard(req, res, requiredAccess(req.method ?? 'GET', pathSegments(url)))) return;
    try {
      const raw = await readBody(req, maxBodyBytes);
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch (err) {
          throw new RegistryError(400, `Request body is not JSON: ${(err as Error).message}`);
        }
      }
      const segments = pathSegments(url);
      const result = await route(
        store,
        { method: req.method ?? 'GET', segments, query: url.searchParams, body },
        { maxSchemaBytes },
      );
      reply(res, 200, result);
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      log.debug(
        { method: req.method, url: req.url, code: err.errorCode, peer: req.socket.remoteAddress },
        err.message,
      );
      reply(res, err.httpStatus, { error_code: err.errorCode, message: err.message });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8081, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await store.close();
    await lock.release();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ host, port, dataDir: options.dataDir }, 'schema registry listening');
  return {
    host,
    port,
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
      await lock.release();
    },
  };
}

function pathSegments(url: URL): string[] {
  return url.pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => decodeURIComponent(s));
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The request body, refused with 413 as soon as it is known to exceed `limit` — from
 * Content-Length before reading anything, else when the bytes received pass it. The connection is
 * not reset: the 413 answer goes out at once and the rest of the body is read and discarded (the
 * stream keeps flowing with nothing buffered), so the client can read the answer and reuse the
 * connection.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (size: string) =>
    new RegistryError(413, `Request body of ${size} bytes is larger than the limit of ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(String(declared)));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        reject(tooLarge(`more than ${limit}`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
