#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AUTHENTICATORS, AUTHORIZERS } from './auth/authorize.js';
import { readCredentialsFile } from './auth/credentials-file.js';
import { DEFAULT_FAILED_LOGIN_DELAY } from './auth/login-throttle.js';
import pino from 'pino';
import { DEFAULT_LIMITS, startCqlServer } from './server/server.js';

function integerFlag(values: Record<string, unknown>, name: string, min: number): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`--${name} must be an integer >= ${min}, got ${String(values[name])}`);
  }
  return n;
}

function oneOf<T extends string>(values: Record<string, unknown>, name: string, allowed: readonly T[]): T {
  const v = String(values[name]);
  // Cassandra accepts the short name and the fully qualified class name.
  const short = v.replace(/^org\.apache\.cassandra\.auth\./, '');
  if (!(allowed as readonly string[]).includes(short))
    throw new Error(`--${name} must be one of ${allowed.join(', ')}, got ${v}`);
  return short as T;
}

/** From a file (preferred) or CQL_SUPERUSER_USERNAME/CQL_SUPERUSER_PASSWORD; never from a flag value. */
function superuserCredentials(file: string | undefined): { username: string; password: string } | undefined {
  if (file) return readCredentialsFile(file);
  const username = process.env.CQL_SUPERUSER_USERNAME;
  const password = process.env.CQL_SUPERUSER_PASSWORD;
  if (username && password) return { username, password };
  if (username || password)
    throw new Error('Set both CQL_SUPERUSER_USERNAME and CQL_SUPERUSER_PASSWORD (or neither)');
  return undefined;
}

function tlsFiles(
  cert: string | undefined,
  key: string | undefined,
): { cert: Buffer; key: Buffer } | undefined {
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new Error('--tls-cert and --tls-key go together');
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

/** `meterstream-cql-server --port 9042 --data-dir ./data/cassandra [--host 127.0.0.1]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9042' },
      'data-dir': { type: 'string', default: './data/cassandra' },
      'snapshot-interval-ms': { type: 'string', default: '60000' },
      'max-connections': { type: 'string', default: String(DEFAULT_LIMITS.maxConnections) },
      'max-connections-per-address': {
        type: 'string',
        default: String(DEFAULT_LIMITS.maxConnectionsPerAddress),
      },
      'idle-timeout-ms': { type: 'string', default: String(DEFAULT_LIMITS.idleTimeoutMs) },
      'max-frame-bytes': { type: 'string', default: String(DEFAULT_LIMITS.maxFrameBytes) },
      'log-level': { type: 'string', default: process.env.LOG_LEVEL ?? 'info' },
      authenticator: { type: 'string', default: process.env.CQL_AUTHENTICATOR ?? 'AllowAllAuthenticator' },
      authorizer: { type: 'string', default: process.env.CQL_AUTHORIZER },
      'superuser-credentials-file': { type: 'string', default: process.env.CQL_SUPERUSER_CREDENTIALS_FILE },
      'failed-login-threshold': { type: 'string', default: String(DEFAULT_FAILED_LOGIN_DELAY.threshold) },
      'failed-login-delay-ms': { type: 'string', default: String(DEFAULT_FAILED_LOGIN_DELAY.stepMs) },
      'failed-login-max-delay-ms': { type: 'string', default: String(DEFAULT_FAILED_LOGIN_DELAY.maxMs) },
      'tls-cert': { type: 'string', default: process.env.CQL_TLS_CERT },
      'tls-key': { type: 'string', default: process.env.CQL_TLS_KEY },
    },
  });
  const logger = pino({ name: 'cql-server', level: values['log-level'] });
  const server = await startCqlServer({
    host: values.host,
    port: Number(values.port),
    dataDir: values['data-dir'],
    snapshotIntervalMs: Number(values['snapshot-interval-ms']),
    maxConnections: integerFlag(values, 'max-connections', 1),
    maxConnectionsPerAddress: integerFlag(values, 'max-connections-per-address', 1),
    idleTimeoutMs: integerFlag(values, 'idle-timeout-ms', 0),
    maxFrameBytes: integerFlag(values, 'max-frame-bytes', 1),
    authenticator: oneOf(values, 'authenticator', AUTHENTICATORS),
    authorizer: values.authorizer === undefined ? undefined : oneOf(values, 'authorizer', AUTHORIZERS),
    failedLoginDelay: {
      threshold: integerFlag(values, 'failed-login-threshold', 0),
      stepMs: integerFlag(values, 'failed-login-delay-ms', 0),
      maxMs: integerFlag(values, 'failed-login-max-delay-ms', 0),
    },
    superuser: superuserCredentials(values['superuser-credentials-file']),
    tls: tlsFiles(values['tls-cert'], values['tls-key']),
    logger,
  });
  // A machine-readable line so a parent process can learn the port when --port 0 was given.
  process.stdout.write(`${JSON.stringify({ event: 'listening', host: server.host, port: server.port })}\n`);
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`meterstream-cql-server: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
