import { hostname } from 'node:os';
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
import { assertCertificateNames, type SecurityBundle, tlsServerOptions } from '@meterstream/security';
import { freePort } from './free-port.js';
import { assertPortFree, listenOrExplain } from './port-in-use.js';
import { startKsqlServerProcess } from './ksql-server-process.js';
import { redisServerAvailable, startRedisServer } from './redis-server.js';
import { applyCqlRoles, applyKafkaAcls } from './secure-grants.js';
import { removeStackProfile, secureBrokerOptions, secureS3Keys, writeStackProfile } from './secure-stack.js';

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
  /** Interface every server binds (default 127.0.0.1; `up` checks it with assertSafeBind first). */
  host?: string;
  /**
   * Secure every server with this bundle (`up --secure`, README "Security"): Kafka SASL_SSL with
   * ACLs, Schema Registry and ksqlDB Basic auth, CQL PasswordAuthenticator with grants over TLS,
   * S3 key pairs per role, Redis ACL users over TLS. Unset: everything open, as before.
   */
  security?: SecurityBundle;
  logger: Logger;
}

export interface LocalStack {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  cassandraContactPoint: string;
  s3Endpoint: string;
  /** The open stack's S3 key pair; on a secured stack each role has its own (credentials.json). */
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
  secured: boolean;
  redisUrl: string | null;
  /** The ksqlDB-compatible server's URL, when started. */
  ksqlUrl: string | null;
  /** The METERSTREAM_* environment that points every meterstream process at this stack. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

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
  const HOST = options.host ?? '127.0.0.1';
  // Clients cannot connect to a wildcard address, and TLS checks the name: they use the host name
  // (in the server certificate) when the stack listens on every interface.
  const clientHost = HOST === '0.0.0.0' || HOST === '::' ? hostname() : HOST;
  /** A server's own URL as clients use it: the wildcard it listens on is not an address to connect to. */
  const forClients = (url: string) => url.replace(/:\/\/(0\.0\.0\.0|\[::\]):/, `://${clientHost}:`);
  const bundle = options.security;
  // before any server starts: a certificate that does not name the address clients use fails them all
  if (bundle) assertCertificateNames(bundle.serverCert, clientHost, bundle.paths.serverCert);
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
        host: HOST,
        advertisedHost: clientHost,
        ...(bundle ? secureBrokerOptions(bundle) : {}),
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
          host: HOST,
          users: bundle?.users,
          // Secured: HTTPS, so Basic-auth passwords never cross the wire in clear.
          ...(bundle ? { tls: tlsServerOptions(bundle) } : {}),
          logger: log.child({ server: 'schema-registry' }),
        }),
    );
    closers.push(() => registry.close());
    const cql = await listenOrExplain('Cassandra (CQL)', '--cassandra-port', HOST, ports.cassandra, () =>
      startCqlServer({
        ...options.cql,
        port: ports.cassandra,
        dataDir: join(options.dataDir, 'cassandra'),
        host: HOST,
        ...(bundle
          ? {
              authenticator: 'PasswordAuthenticator' as const,
              // the bundle owns admin's password: a rotated one replaces the stored one
              superuser: { ...adminOf(bundle), resetPassword: true },
              tls: { cert: bundle.serverCert, key: bundle.serverKey },
            }
          : {}),
        logger: log.child({ server: 'cql' }),
      }),
    );
    closers.push(() => cql.close());
    const s3 = await listenOrExplain('S3', '--s3-port', HOST, ports.s3, () =>
      startS3Server({
        port: ports.s3,
        dataDir: join(options.dataDir, 's3'),
        bucket,
        host: HOST,
        ...options.s3Credentials,
        // Secured: HTTPS with the stack's certificate, so S3 keys and objects never cross the wire in clear.
        ...(bundle ? { keys: secureS3Keys(bundle, bucket), tls: tlsServerOptions(bundle) } : {}),
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
        host: HOST,
        clientHost,
        users: bundle?.users,
        ...(bundle
          ? {
              tls: {
                certFile: bundle.paths.serverCert,
                keyFile: bundle.paths.serverKey,
                caFile: bundle.paths.caCert,
              },
            }
          : {}),
      });
      closers.push(() => redis.close());
      redisUrl = redis.url;
    } else if (options.redis !== false) {
      log.warn('redis-server is not on the PATH: the local stack runs without Redis');
    }
    const endpoints: Record<string, string> = {
      METERSTREAM_KAFKA_BROKERS: `${clientHost}:${broker.port}`,
      METERSTREAM_SCHEMA_REGISTRY_URL: forClients(registry.url),
      METERSTREAM_CASSANDRA_CONTACT_POINTS: `${clientHost}:${cql.port}`,
      METERSTREAM_S3_ENDPOINT: forClients(s3.endpoint),
      METERSTREAM_S3_BUCKET: bucket,
      ...(redisUrl ? { METERSTREAM_REDIS_URL: redisUrl } : {}),
    };
    if (bundle) {
      // Before any app (the ksql server first) looks for its login in the data directory.
      await applyKafkaAcls(endpoints.METERSTREAM_KAFKA_BROKERS!, bundle.users, bundle.caCert);
      await applyCqlRoles(endpoints.METERSTREAM_CASSANDRA_CONTACT_POINTS!, bundle.users, bundle.caCert);
      await writeStackProfile(options.dataDir, endpoints);
    } else {
      await removeStackProfile(options.dataDir);
    }
    let ksqlUrl: string | null = null;
    if (options.ksql) {
      await assertPortFree('ksqlDB-compatible server', '--ksql-port', HOST, options.ksql.port);
      const ksql = await startKsqlServerProcess({
        cliMain: options.ksql.cliMain,
        port: options.ksql.port,
        // open stack: `up` already accepted its --host (loopback, or --insecure)
        args: [
          '--host',
          HOST,
          ...(bundle
            ? ['--tls-cert', bundle.paths.serverCert, '--tls-key', bundle.paths.serverKey]
            : ['--insecure']),
        ],
        // Paths only: the ksql server reads its own login and the REST users from the data directory.
        env: {
          METERSTREAM_KAFKA_BROKERS: endpoints.METERSTREAM_KAFKA_BROKERS!,
          METERSTREAM_SCHEMA_REGISTRY_URL: forClients(registry.url),
          METERSTREAM_DATA_DIR: options.dataDir,
          ...(bundle ? { METERSTREAM_KSQL_CREDENTIALS: bundle.paths.credentials } : {}),
        },
      });
      closers.push(() => ksql.close());
      ksqlUrl = forClients(ksql.url);
      if (bundle) await writeStackProfile(options.dataDir, { ...endpoints, METERSTREAM_KSQLDB_URL: ksqlUrl });
    }
    const stack: LocalStack = {
      kafkaBrokers: endpoints.METERSTREAM_KAFKA_BROKERS!,
      schemaRegistryUrl: forClients(registry.url),
      cassandraContactPoint: endpoints.METERSTREAM_CASSANDRA_CONTACT_POINTS!,
      s3Endpoint: forClients(s3.endpoint),
      s3AccessKeyId: s3.accessKeyId,
      s3SecretAccessKey: s3.secretAccessKey,
      secured: bundle !== undefined,
      redisUrl,
      ksqlUrl,
      // Secured: no secret here (it is printed); each process finds its login under the data dir.
      env: () => ({
        ...endpoints,
        ...(bundle
          ? { METERSTREAM_DATA_DIR: options.dataDir }
          : {
              METERSTREAM_S3_ACCESS_KEY_ID: stack.s3AccessKeyId,
              METERSTREAM_S3_SECRET_ACCESS_KEY: stack.s3SecretAccessKey,
            }),
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

function adminOf(bundle: SecurityBundle): { username: string; password: string } {
  const admin = bundle.users.find((u) => u.access === 'admin');
  if (!admin) throw new Error(`${bundle.paths.credentials} has no admin user`);
  return { username: admin.username, password: admin.password };
}
