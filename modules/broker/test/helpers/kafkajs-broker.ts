import { createRequire } from 'node:module';

/**
 * kafkajs's own Broker class (one connection pool to one broker, every protocol call exposed),
 * for tests that send requests the public client API never sends as such — pinned old versions,
 * hand-set transactional fields — as kafkajs's own integration suite does.
 */
const require = createRequire(import.meta.url);
const KafkajsBroker = require('kafkajs/src/broker/index.js');
const ConnectionPool = require('kafkajs/src/network/connectionPool.js');
const socketFactory = require('kafkajs/src/network/socketFactory.js');
const { createLogger, LEVELS } = require('kafkajs/src/loggers/index.js');

/** The calls of kafkajs's Broker the tests use (kafkajs ships no types for it). */
export interface KafkajsRawBroker {
  versions: Record<number, { minVersion: number; maxVersion: number }>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  // biome-ignore lint/suspicious/noExplicitAny: kafkajs's untyped protocol layer
  [call: string]: any;
}

export async function connectKafkajsBroker(host: string, port: number): Promise<KafkajsRawBroker> {
  const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });
  const broker = new KafkajsBroker({
    connectionPool: new ConnectionPool({
      socketFactory: socketFactory(),
      clientId: 'raw-kafkajs',
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      logger,
      host,
      port,
    }),
    logger,
  }) as KafkajsRawBroker;
  await broker.connect();
  return broker;
}
