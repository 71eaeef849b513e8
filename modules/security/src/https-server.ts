import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import { bundlePaths, loadSecurityBundle } from './bundle.js';
import { tlsServerOptions } from './tls-options.js';

/** Where an HTTP server's certificate comes from: the stack's bundle, or explicit files (--tls-cert/--tls-key). */
export type HttpTlsSource = { dataDir: string } | { certFile: string; keyFile: string; caFile?: string };

export interface HttpsServerOptions {
  key: string;
  cert: string;
  minVersion: 'TLSv1.2';
}

/**
 * The options `https.createServer` needs, read from the security dir of a data directory or from
 * the --tls-cert/--tls-key files the broker and CQL servers already take. Returning undefined for
 * no source keeps "no TLS" a plain value callers can pass through.
 */
export async function httpsServerOptions(
  source: HttpTlsSource | undefined,
): Promise<HttpsServerOptions | undefined> {
  if (!source) return undefined;
  if ('dataDir' in source) return tlsServerOptions(await loadSecurityBundle(source.dataDir));
  const [cert, key, ca] = await Promise.all([
    readFile(source.certFile, 'utf8'),
    readFile(source.keyFile, 'utf8'),
    source.caFile ? readFile(source.caFile, 'utf8') : Promise.resolve(''),
  ]);
  // The chain goes with the leaf so clients that only know the CA can verify it.
  return { key, cert: ca ? `${cert.trimEnd()}\n${ca}` : cert, minVersion: 'TLSv1.2' };
}

/**
 * An HTTPS server when options are given, a plain HTTP one otherwise: the one switch every
 * meterstream HTTP endpoint (registry, S3, ksql, serve, /metrics) needs. A client speaking plain
 * HTTP to the TLS port gets its socket closed, and the 'tlsClientError' is swallowed so the
 * server keeps serving.
 */
export function createHttpOrHttpsServer(
  tls: HttpsServerOptions | undefined,
  listener: RequestListener,
): Server {
  if (!tls) return createHttpServer(listener);
  const server = createHttpsServer(tls, listener);
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  return server;
}

/** The CA file path of a data directory's bundle: what `--ca` style client flags point to. */
export function stackCaPath(dataDir: string): string {
  return bundlePaths(dataDir).caCert;
}
