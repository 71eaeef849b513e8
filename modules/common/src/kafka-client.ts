import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';
import type { MeterstreamConfig } from './config.js';
import type { Logger } from './logger.js';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * A kafkajs client for the configured brokers whose log lines go through our pino logger (as
 * structured fields, not kafkajs' own JSON-in-a-string format). kafkajs' info-level chatter about
 * group joins is kept at info; its level follows the logger's.
 */
export function createKafka(
  config: MeterstreamConfig,
  logger: Logger,
  overrides: Partial<KafkaConfig> = {},
): Kafka {
  // meterstream keeps kafkajs' default (Java-compatible murmur2) partitioner everywhere, so keys land
  // where Kafka Streams and ksqlDB expect them; the v2 "partitioner changed" notice is noise here.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    brokers: config.kafka.brokers,
    clientId: config.kafka.clientId,
    logLevel: logger.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...fields } = log;
        kafkaLogger[LEVELS[level] ?? 'info'](fields, message);
      },
    ...kafkaClientSecurity(config.kafka),
    ...overrides,
  });
}

/**
 * kafkajs' `ssl` and `sasl` options for the configured login (README "Security"): TLS trusting
 * the configured CA file, SASL with the user and password. Empty when neither is configured.
 * Every kafkajs client of meterstream spreads this into its config.
 */
export function kafkaClientSecurity(kafka: MeterstreamConfig['kafka']): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  return {
    ...(kafka.tlsCaFile
      ? { ssl: { ca: [readFileSync(kafka.tlsCaFile, 'utf8')], rejectUnauthorized: true } }
      : {}),
    ...(kafka.sasl
      ? {
          sasl: {
            mechanism: kafka.sasl.mechanism,
            username: kafka.sasl.username,
            password: kafka.sasl.password,
          } as SASLOptions,
        }
      : {}),
  };
}
