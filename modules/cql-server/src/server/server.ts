import { randomUUID } from 'node:crypto';
import { type Server, type Socket, createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { type AuthOptions, openAuth } from '../auth/open-auth.js';
import { installSystemAuthKeyspace } from '../auth/system-auth-tables.js';
import { lockDirectory } from '@meterstream/dir-lock';
import pino, { type Logger } from 'pino';
import { Database } from '../engine/database.js';
import { StatementCache } from '../engine/statement-cache.js';
import { installSystemKeyspaces } from '../engine/system-tables.js';
import { DataStore } from '../storage/data-store.js';
import { loadOrCreateHostId } from '../storage/host-id.js';
import type { Registry } from 'prom-client';
import { Connection } from './connection.js';
import { ConnectionLimiter, clientAddress, refuseConnection } from './connection-limits.js';
import { CqlServerMetrics } from './metrics.js';

export interface CqlServerOptions extends AuthOptions {
  /**
   * TLS for the native protocol (Cassandra's client_encryption_options): PEM certificate chain and
   * private key. With it, every connection must speak TLS.
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Data directory (commit log + snapshots). Without it the server keeps data in memory only. */
  dataDir?: string;
  logger?: Logger;
  /** Largest accepted frame body (default 16 MiB); a larger frame gets a protocol error and the connection is closed. */
  maxFrameBytes?: number;
  /** Open client connections in total (default 1000); one more is refused. */
  maxConnections?: number;
  /** Open connections from one client IP address (default 250); one more is refused. */
  maxConnectionsPerAddress?: number;
  /** A connection with no traffic for this long is closed (default 10 minutes; 0: never). */
  idleTimeoutMs?: number;
  snapshotIntervalMs?: number;
  snapshotBytes?: number;
}

export interface CqlServer {
  host: string;
  port: number;
  /** Prometheus metrics of this server (requests, errors, connections, fsyncs, snapshots, partitions). */
  metrics: Registry;
  /** Stops accepting, closes client connections, then flushes and snapshots the data directory. */
  close(): Promise<void>;
}

/** Defaults of the connection limits (see README "Limits"). */
export const DEFAULT_LIMITS = {
  maxConnections: 1000,
  maxConnectionsPerAddress: 250,
  // Kafka's connections.max.idle.ms; drivers send a heartbeat (OPTIONS) every 30 s when idle.
  idleTimeoutMs: 10 * 60 * 1000,
  // Cassandra 4's native_transport_max_frame_size.
  maxFrameBytes: 16 * 1024 * 1024,
} as const;

function checkLimit(options: CqlServerOptions, name: keyof typeof DEFAULT_LIMITS, min: number): void {
  const v = options[name];
  if (v !== undefined && (!Number.isInteger(v) || v < min)) {
    throw new RangeError(`startCqlServer: ${name} must be an integer >= ${min}, got ${v}`);
  }
}

/** Starts the embedded CQL (native protocol v4) server. */
export async function startCqlServer(options: CqlServerOptions = {}): Promise<CqlServer> {
  checkLimit(options, 'maxConnections', 1);
  checkLimit(options, 'maxConnectionsPerAddress', 1);
  checkLimit(options, 'idleTimeoutMs', 0);
  checkLimit(options, 'maxFrameBytes', 1);
  const host = options.host ?? '127.0.0.1';
  const log = options.logger ?? pino({ name: 'cql-server', level: process.env.LOG_LEVEL ?? 'warn' });
  const db = new Database();
  // The data directory, in this order: the lock (one process per directory, taken before anything in
  // it is read: a second server on a live directory would replay its commit log and start a
  // commit-log file of its own in it), host id, then commit log and snapshot recovery.
  const lock = options.dataDir
    ? await lockDirectory(options.dataDir, { owner: 'meterstream cql-server' })
    : undefined;
  const hostId = options.dataDir
    ? await loadOrCreateHostId(options.dataDir).catch(async (error: unknown) => {
        await lock?.release();
        throw error;
      })
    : randomUUID();
  const auth = await openAuth(options, options.dataDir, log).catch(async (error: unknown) => {
    await lock?.release();
    throw error;
  });
  db.auth = auth;
  if (auth) installSystemAuthKeyspace(db, auth);
  let boundHost = host;
  installSystemKeyspaces(db, () => boundHost, hostId);
  const metrics = new CqlServerMetrics(db);
  const store = options.dataDir
    ? await DataStore.open(options.dataDir, db, log, {
        snapshotIntervalMs: options.snapshotIntervalMs ?? 60_000,
        snapshotBytes: options.snapshotBytes ?? 64 * 1024 * 1024,
        onSync: (records) => {
          metrics.fsyncs.inc();
          metrics.recordsPerFsync.observe(records);
        },
        onSnapshot: (ok) => metrics.snapshots.inc({ result: ok ? 'ok' : 'failed' }),
      }).catch(async (error: unknown) => {
        await lock?.release();
        throw error;
      })
    : undefined;
  const core = { db, statements: new StatementCache(db), log, metrics };
  const connections = new Set<Connection>();
  const refused = new Set<Socket>();
  const limiter = new ConnectionLimiter({
    maxConnections: options.maxConnections ?? DEFAULT_LIMITS.maxConnections,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? DEFAULT_LIMITS.maxConnectionsPerAddress,
  });
  const connectionOptions = {
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_LIMITS.maxFrameBytes,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_LIMITS.idleTimeoutMs,
  };
  const onConnection = (socket: Socket) => {
    const address = clientAddress(socket);
    const refusal = limiter.admit(address);
    if (refusal) {
      metrics.refused.inc({ reason: refusal.reason });
      log.warn({ peer: `${address}:${socket.remotePort}`, err: refusal.message }, 'connection refused');
      refused.add(socket);
      socket.on('close', () => refused.delete(socket));
      refuseConnection(socket, refusal.message, log);
      return;
    }
    const conn = new Connection(socket, core, connectionOptions, (c) => {
      connections.delete(c);
      limiter.release(address);
    });
    connections.add(conn);
  };
  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onConnection)
    : createServer(onConnection);
  // A failed handshake (plain-text client, untrusted certificate) concerns only that client.
  server.on('tlsClientError', (err: Error, socket: Socket) =>
    log.info(
      { peer: `${socket.remoteAddress}:${socket.remotePort}`, err: err.message },
      'TLS handshake failed',
    ),
  );
  // A failure to listen (a busy port) is the caller's to report, once and in its words; only
  // errors after that are the server socket's to log.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      server.on('error', (err) => log.error({ err }, 'server socket error'));
      resolve();
    });
  }).catch(async (error: unknown) => {
    await store?.close();
    await lock?.release();
    throw error;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  boundHost = typeof address === 'object' && address ? address.address : host;
  log.info(
    {
      host: boundHost,
      port,
      dataDir: options.dataDir,
      tls: options.tls !== undefined,
      authenticator: auth ? 'PasswordAuthenticator' : 'AllowAllAuthenticator',
      authorizer: auth?.authorizer ?? 'AllowAllAuthorizer',
    },
    'CQL server listening',
  );
  let closing: Promise<void> | undefined;
  return {
    host: boundHost,
    port,
    metrics: metrics.registry,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of connections) c.destroy();
        for (const s of refused) s.destroy();
        await stopped;
        await store?.close();
        await lock?.release();
      })();
      return closing;
    },
  };
}
