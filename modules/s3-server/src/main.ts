#!/usr/bin/env node
import { parseArgs } from 'node:util';
import pino from 'pino';
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
      region: { type: 'string', default: 'us-east-1' },
      'max-connections': { type: 'string', default: '1024' },
      'max-connections-per-address': { type: 'string', default: '256' },
      'idle-timeout-ms': { type: 'string', default: '600000' },
      'max-request-bytes': { type: 'string', default: String(5 * 1024 ** 3) },
      'log-level': { type: 'string', default: process.env.LOG_LEVEL ?? 'info' },
    },
  });
  const logger = pino({ name: 's3-server', level: values['log-level'] });
  const server = await startS3Server({
    host: values.host,
    port: Number(values.port),
    dataDir: values['data-dir'],
    buckets: values.bucket,
    accessKeyId: values['access-key-id'],
    secretAccessKey: values['secret-access-key'],
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

main().catch((err: unknown) => {
  process.stderr.write(`meterstream-s3-server: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
