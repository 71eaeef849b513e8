import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testLogger } from '@meterstream/test-support';
import cassandra from 'cassandra-driver';
import { type CqlServer, type CqlServerOptions, startCqlServer } from '../../src/index.js';

export const SUPERUSER = { username: 'admin', password: 'admin-secret-1' };

/** A server with PasswordAuthenticator (and CassandraAuthorizer) and the bootstrap superuser. */
export function startAuthServer(
  dataDir: string,
  options: Partial<CqlServerOptions> = {},
): Promise<CqlServer> {
  return startCqlServer({
    port: 0,
    dataDir,
    logger: testLogger('cql-server'),
    authenticator: 'PasswordAuthenticator',
    superuser: SUPERUSER,
    ...options,
  });
}

/** A driver client logging in with PlainTextAuthProvider (or without credentials when `user` is null). */
export function authClient(
  port: number,
  user: { username: string; password: string } | null,
  extra: Partial<cassandra.ClientOptions> = {},
): cassandra.Client {
  return new cassandra.Client({
    contactPoints: [`127.0.0.1:${port}`],
    localDataCenter: 'datacenter1',
    ...(user ? { authProvider: new cassandra.auth.PlainTextAuthProvider(user.username, user.password) } : {}),
    ...extra,
  });
}

/** Runs `fn` with a connected client and always shuts it down. */
export async function withClient<T>(
  port: number,
  user: { username: string; password: string } | null,
  fn: (c: cassandra.Client) => Promise<T>,
  extra: Partial<cassandra.ClientOptions> = {},
): Promise<T> {
  const client = authClient(port, user, extra);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.shutdown();
  }
}

/** The error of a connect that must fail (the driver wraps it: NoHostAvailableError → innerErrors). */
export async function connectError(
  client: cassandra.Client,
): Promise<{ name: string; message: string; inner: Error }> {
  try {
    await client.connect();
  } catch (err) {
    const e = err as Error & { innerErrors?: Record<string, Error> };
    const inner = Object.values(e.innerErrors ?? {})[0];
    return { name: e.name, message: e.message, inner };
  } finally {
    await client.shutdown();
  }
  throw new Error('expected the connection to be refused');
}

/** A self-signed certificate for 127.0.0.1 made with the openssl CLI (Debian package openssl). */
export async function selfSignedCert(
  dir: string,
): Promise<{ cert: Buffer; key: Buffer; certFile: string; keyFile: string }> {
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), certFile, keyFile };
}
