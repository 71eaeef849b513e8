#!/usr/bin/env node
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startCqlServer } from './server/server.js';

/** `meterstream-cql-server --port 9042 --data-dir ./data/cassandra [--host 127.0.0.1]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9042' },
      'data-dir': { type: 'string', default: './data/cassandra' },
      'snapshot-interval-ms': { type: 'string', default: '60000' },
      'log-level': { type: 'string', default: process.env.LOG_LEVEL ?? 'info' },
    },
  });
  const logger = pino({ name: 'cql-server', level: values['log-level'] });
  const server = await startCqlServer({
    host: values.host,
    port: Number(values.port),
    dataDir: values['data-dir'],
    snapshotIntervalMs: Number(values['snapshot-interval-ms']),
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
