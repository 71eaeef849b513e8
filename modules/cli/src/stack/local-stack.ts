import { join } from 'node:path';
import {
  type BrokerOptions,
  type SchemaRegistryOptions,
  startBroker,
  startSchemaRegistry,
} from '@meterstream/broker';
import type { Logger } from '@meterstream/common';
import { type CqlServerOptions, startCqlServer } from '@meterstream/cql-server';
import { startS3Server } from '@meterstream/s3-server';
import { freePort } from './free-port.js';
import { assertPortFree, listenOrExplain } from './port-in-use.js';
import { startKsqlServerProcess } from './ksql-server-process.js';
import { redisServerAvailable, startRedisServer } from './redis-server.js';

export interface LocalStackOptions {
  dataDir: string;
  /** Ports of each server; 0 picks a free one. Defaults are the standard ports. */
  ports?: Partial<Record<'kafka' | 'schemaRegistry' | 'cassandra' | 's3' | 'redis', number>>;
  bucket?: string;
  /** The key pair the S3 server accepts (default: its documented pair, `meterstream` / `meterstream-secret`). */
  s3Credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Start redis-server when it is on the PATH (default true). */
  redis?: boolean;
  /** CQL server connection and request limits (its defaults otherwise). */
  cql?: Partial<CqlServerOptions>;
  /** Limits of the broker and the Schema Registry (unset: their defaults). */
  limits?: { broker?: Partial<BrokerOptions>; registry?: Partial<SchemaRegistryOptions> };
  /**
   * Start the ksqlDB-compatible server (`meterstream ksql-server`, its own process) on this port
   * (0: a free one), with `cliMain` the CLI entry to run it with. Unset: not started.
   */
  ksql?: { port: number; cliMain: string };
  logger: Logger;
}

export interface LocalStack {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  cassandraContactPoint: string;
  s3Endpoint: string;
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
  redisUrl: string | null;
  /** The ksqlDB-compatible server's URL, when started. */
  ksqlUrl: string | null;
  /** The METERSTREAM_* environment that points every meterstream process at this stack. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Every server of the local stack binds loopback only. */
const HOST = '127.0.0.1';

/**
 * Starts the embedded stack: Kafka-protocol broker, Schema Registry API, CQL server, S3 server and
 * (when installed) redis-server, each with its data under `dataDir`. Stops what it started if a
 * later server fails to start.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const ports = {
    kafka: 9092,
    schemaRegistry: 8081,
    cassandra: 9042,
    s3: 9000,
    redis: 6379,
    ...options.ports,
  };
  const bucket = options.bucket ?? 'meterstream';
  const log = options.logger;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      await close().catch((error: unknown) => log.warn({ err: error }, 'error while stopping a server'));
    }
    closers.length = 0;
  };
  try {
    const broker = await listenOrExplain('Kafka', '--kafka-port', HOST, ports.kafka, () =>
      startBroker({
        ...options.limits?.broker,
        port: ports.kafka,
        dataDir: join(options.dataDir, 'kafka'),
        defaultPartitions: 4,
        logger: log.child({ server: 'broker' }),
      }),
    );
    closers.push(() => broker.close());
    const registry = await listenOrExplain(
      'Schema Registry',
      '--schema-registry-port',
      HOST,
      ports.schemaRegistry,
      () =>
        startSchemaRegistry({
          ...options.limits?.registry,
          port: ports.schemaRegistry,
          dataDir: join(options.dataDir, 'schema-registry'),
          logger: log.child({ server: 'schema-registry' }),
        }),
    );
    closers.push(() => registry.close());
    const cql = await listenOrExplain('Cassandra (CQL)', '--cassandra-port', HOST, ports.cassandra, () =>
      startCqlServer({
        ...options.cql,
        port: ports.cassandra,
        dataDir: join(options.dataDir, 'cassandra'),
        logger: log.child({ server: 'cql' }),
      }),
    );
    closers.push(() => cql.close());
    const s3 = await listenOrExplain('S3', '--s3-port', HOST, ports.s3, () =>
      startS3Server({
        port: ports.s3,
        dataDir: join(options.dataDir, 's3'),
        bucket,
        ...options.s3Credentials,
        logger: log.child({ server: 's3' }),
      }),
    );
    closers.push(() => s3.close());
    let redisUrl: string | null = null;
    if (options.redis !== false && redisServerAvailable()) {
      await assertPortFree('redis-server', '--redis-port', HOST, ports.redis);
      const redis = await startRedisServer({
        port: ports.redis || (await freePort()),
        dir: join(options.dataDir, 'redis'),
      });
      closers.push(() => redis.close());
      redisUrl = redis.url;
    } else if (options.redis !== false) {
      log.warn('redis-server is not on the PATH: the local stack runs without Redis');
    }
    const endpoints = {
      METERSTREAM_KAFKA_BROKERS: broker.bootstrap,
      METERSTREAM_SCHEMA_REGISTRY_URL: registry.url,
      METERSTREAM_DATA_DIR: options.dataDir,
    };
    let ksqlUrl: string | null = null;
    if (options.ksql) {
      await assertPortFree('ksqlDB-compatible server', '--ksql-port', HOST, options.ksql.port);
      const ksql = await startKsqlServerProcess({
        cliMain: options.ksql.cliMain,
        port: options.ksql.port,
        env: endpoints,
      });
      closers.push(() => ksql.close());
      ksqlUrl = ksql.url;
    }
    const stack: LocalStack = {
      kafkaBrokers: broker.bootstrap,
      schemaRegistryUrl: registry.url,
      cassandraContactPoint: `${cql.host}:${cql.port}`,
      s3Endpoint: s3.endpoint,
      s3AccessKeyId: s3.accessKeyId,
      s3SecretAccessKey: s3.secretAccessKey,
      redisUrl,
      ksqlUrl,
      env: () => ({
        METERSTREAM_KAFKA_BROKERS: stack.kafkaBrokers,
        METERSTREAM_SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
        METERSTREAM_CASSANDRA_CONTACT_POINTS: stack.cassandraContactPoint,
        METERSTREAM_S3_ENDPOINT: stack.s3Endpoint,
        METERSTREAM_S3_BUCKET: bucket,
        METERSTREAM_S3_ACCESS_KEY_ID: stack.s3AccessKeyId,
        METERSTREAM_S3_SECRET_ACCESS_KEY: stack.s3SecretAccessKey,
        ...(stack.redisUrl ? { METERSTREAM_REDIS_URL: stack.redisUrl } : {}),
        ...(stack.ksqlUrl ? { METERSTREAM_KSQLDB_URL: stack.ksqlUrl } : {}),
      }),
      close: closeAll,
    };
    return stack;
  } catch (error) {
    await closeAll();
    throw error;
  }
}
