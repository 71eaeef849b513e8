#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { assertSafeBind, httpsServerOptions, redactSecrets } from '@meterstream/security';
import pino from 'pino';
import { readAccessKeysFile } from './auth/access-keys.js';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, startS3Server } from './server.js';

/**
 * `meterstream-s3-server --port 9000 --data-dir ./data/s3 [--bucket meterstream] [--host 127.0.0.1]`
 * Prints `{"event":"listening","endpoint":...,"port":...}` on stdout once ready.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9000' },
      'data-dir': { type: 'string', default: './data/s3' },
      bucket: { type: 'string', multiple: true, default: [] },
      'access-key-id': {
        type: 'string',
        default: process.env.METERSTREAM_S3_ACCESS_KEY_ID ?? DEFAULT_ACCESS_KEY_ID,
      },
      'secret-access-key': {
        type: 'string',
        default: process.env.METERSTREAM_S3_SECRET_ACCESS_KEY ?? DEFAULT_SECRET_ACCESS_KEY,
      },
      // Only the key pairs of this file, each with its bucket grants (README: Access keys).
      'keys-file': { type: 'string', default: process.env.METERSTREAM_S3_KEYS_FILE },
      // Listen beyond loopback with the well-known default key pair anyway.
      insecure: { type: 'boolean', default: false },
      // HTTPS with this certificate chain and key (the broker's and CQL server's flags).
      'tls-cert': { type: 'string', default: process.env.METERSTREAM_S3_TLS_CERT },
      'tls-key': { type: 'string', default: process.env.METERSTREAM_S3_TLS_KEY },
      region: { type: 'string', default: 'us-east-1' },
      'max-connections': { type: 'string', default: '1024' },
      'max-connections-per-address': { type: 'string', default: '256' },
      'idle-timeout-ms': { type: 'string', default: '600000' },
      'max-request-bytes': { type: 'string', default: String(5 * 1024 ** 3) },
      'log-level': { type: 'string', default: process.env.LOG_LEVEL ?? 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const logger = pino({ name: 's3-server', level: values['log-level'] });
  const keys = values['keys-file'] ? await readAccessKeysFile(values['keys-file']) : undefined;
  // The default pair is printed in every README: beyond loopback it protects nothing.
  const secured = keys !== undefined || values['secret-access-key'] !== DEFAULT_SECRET_ACCESS_KEY;
  assertSafeBind('meterstream-s3-server', values.host, { secured, insecure: values.insecure });
  logger.debug({ options: redactSecrets(values), keys: redactSecrets(keys) }, 'configuration');
  const [certFile, keyFile] = [values['tls-cert'], values['tls-key']];
  if (Boolean(certFile) !== Boolean(keyFile)) throw new Error('--tls-cert and --tls-key go together');
  const tls = certFile && keyFile ? await httpsServerOptions({ certFile, keyFile }) : undefined;
  const server = await startS3Server({
    tls,
    host: values.host,
    port: Number(values.port),
    dataDir: values['data-dir'],
    buckets: values.bucket,
    accessKeyId: values['access-key-id'],
    secretAccessKey: values['secret-access-key'],
    keys,
    region: values.region,
    maxConnections: Number(values['max-connections']),
    maxConnectionsPerAddress: Number(values['max-connections-per-address']),
    idleTimeoutMs: Number(values['idle-timeout-ms']),
    maxRequestBytes: Number(values['max-request-bytes']),
    logger,
  });
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', endpoint: server.endpoint, port: server.port })}\n`,
  );
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

const USAGE = `usage: meterstream-s3-server [--host 127.0.0.1] [--port 9000] [--data-dir ./data/s3] [--bucket NAME]…
  [--access-key-id ID --secret-access-key KEY | --keys-file FILE] [--insecure] [--region us-east-1]
  [--tls-cert cert.pem --tls-key key.pem]
  [--max-connections 1024] [--max-connections-per-address 256] [--idle-timeout-ms 600000]
  [--max-request-bytes N] [--log-level info]
(modules/s3-server/README.md; \`meterstream s3-server --help\` takes the shared flags)`;

main().catch((err: unknown) => {
  // A bad flag is the user's mistake: one line and the usage, not a stack trace.
  if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) {
    process.stderr.write(`meterstream-s3-server: ${(err as Error).message}\n${USAGE}\n`);
  } else {
    process.stderr.write(`meterstream-s3-server: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
