import { join } from 'node:path';
import { startBroker, startSchemaRegistry } from '@meterstream/broker';
import { startCqlServer } from '@meterstream/cql-server';
import { DEFAULT_SECRET_ACCESS_KEY, readAccessKeysFile, startS3Server } from '@meterstream/s3-server';
import { assertSafeBind } from '@meterstream/security';
import type { CommandModule } from 'yargs';
import { commandContext, onShutdownSignal, withEndpoints } from '../command-context.js';
import { type CqlLimitArgs, cqlLimits, withCqlLimitOptions } from './cql-limit-options.js';
import { type CqlSecurityArgs, cqlSecurity, withCqlSecurityOptions } from './cql-security-options.js';
import { brokerLimitsFrom, type LimitArgs, withBrokerLimits } from './broker-limit-options.js';
import { listenOrExplain } from '../stack/port-in-use.js';
import {
  type BrokerSecurityArgs,
  brokerRequiresLogin,
  brokerSecurity,
  registrySecurity,
  withBrokerSecurityOptions,
} from './broker-security-options.js';

interface BrokerArgs extends LimitArgs, BrokerSecurityArgs {
  port: number;
  host: string;
  'data-dir'?: string;
  'schema-registry-port'?: string;
  'metrics-port'?: number;
  'default-partitions': number;
  fsync: 'fsync' | 'write';
}

/**
 * The Schema Registry's port, or null for none. `off` is the broker package's own word
 * (`meterstream-broker`), `-1` the CLI's earlier one; both stay accepted. Unset, the registry
 * follows `--port`: a broker asked for any free port should not then fail on 8081 being taken.
 */
function registryPort(args: { port: number; 'schema-registry-port'?: string }): number | null {
  const text = args['schema-registry-port'];
  if (text === undefined) return args.port === 0 ? 0 : 8081;
  if (text === 'off' || text === 'none' || text === '-1') return null;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(
      `--schema-registry-port must be a port (0: any free one) or off, got ${JSON.stringify(text)}`,
    );
  return port;
}

export const brokerCommand: CommandModule<object, BrokerArgs> = {
  command: 'broker',
  describe: 'Run the embedded Kafka-protocol broker with its Schema Registry API',
  builder: (yargs) =>
    withBrokerSecurityOptions(withBrokerLimits(withEndpoints(yargs)))
      .option('port', { type: 'number', default: 9092, describe: 'Kafka protocol port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to bind' })
      .option('schema-registry-port', {
        type: 'string',
        describe:
          'Schema Registry API port: a number (0: any free port), or off (also -1) for none [default: 8081, or 0 with --port 0]',
      })
      .option('metrics-port', { type: 'number', describe: 'Prometheus /metrics port' })
      .option('default-partitions', {
        type: 'number',
        default: 4,
        describe: 'Partitions of auto-created topics',
      })
      .check((args) => {
        registryPort(args);
        return true;
      })
      .option('fsync', {
        choices: ['fsync', 'write'] as const,
        default: 'fsync' as const,
        describe:
          'acks=-1 answered after fsync (survives power loss) or after write (survives a broker crash)',
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'broker');
    const port = registryPort(args);
    assertSafeBind('meterstream broker', args.host, {
      secured: brokerRequiresLogin(args),
      insecure: args.insecure,
    });
    if (port !== null)
      assertSafeBind('meterstream broker (Schema Registry: --schema-registry-credentials)', args.host, {
        secured: !!args['schema-registry-credentials'],
        insecure: args.insecure,
      });
    const dataDir = join(config.dataDir, 'kafka');
    const limits = brokerLimitsFrom(args);
    const registryAuth = await registrySecurity(args);
    const broker = await listenOrExplain('Kafka', '--port', args.host, args.port, () =>
      startBroker({
        ...limits.broker,
        host: args.host,
        port: args.port,
        dataDir,
        metricsPort: args['metrics-port'],
        defaultPartitions: args['default-partitions'],
        fsyncPolicy: args.fsync,
        ...brokerSecurity(args),
        logger,
      }),
    );
    const registry =
      port === null
        ? undefined
        : await listenOrExplain('Schema Registry', '--schema-registry-port', args.host, port, () =>
            startSchemaRegistry({
              host: args.host,
              port,
              dataDir: join(config.dataDir, 'schema-registry'),
              logger,
              ...limits.registry,
              ...registryAuth,
            }),
          ).catch(async (error: unknown) => {
            await broker.close();
            throw error;
          });
    process.stdout.write(
      `broker listening on ${broker.bootstrap}${registry ? `, Schema Registry on ${registry.url}` : ''} (data in ${dataDir})\n`,
    );
    onShutdownSignal(async () => {
      await registry?.close();
      await broker.close();
    });
    await new Promise(() => {});
  },
};

interface CqlArgs extends CqlLimitArgs, CqlSecurityArgs {
  port: number;
  host: string;
  insecure: boolean;
}

export const cqlServerCommand: CommandModule<object, CqlArgs> = {
  command: 'cql-server',
  describe: 'Run the embedded Cassandra-compatible server (CQL native protocol v4)',
  builder: (yargs) =>
    withCqlSecurityOptions(withCqlLimitOptions(withEndpoints(yargs)))
      .option('port', { type: 'number', default: 9042, describe: 'CQL port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to bind' })
      .option('insecure', {
        type: 'boolean',
        default: false,
        describe: 'Listen beyond loopback without PasswordAuthenticator',
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'cql-server');
    assertSafeBind('meterstream cql-server', args.host, {
      secured: args.authenticator === 'PasswordAuthenticator',
      insecure: args.insecure,
    });
    const dataDir = join(config.dataDir, 'cassandra');
    const server = await listenOrExplain('Cassandra (CQL)', '--port', args.host, args.port, () =>
      startCqlServer({
        host: args.host,
        port: args.port,
        dataDir,
        logger,
        ...cqlLimits(args),
        ...cqlSecurity(args),
      }),
    );
    process.stdout.write(`CQL server listening on ${server.host}:${server.port} (data in ${dataDir})\n`);
    onShutdownSignal(() => server.close());
    await new Promise(() => {});
  },
};

interface S3Args {
  port: number;
  host: string;
  'idle-timeout-ms': number;
  'max-connections': number;
  'max-connections-per-address': number;
  'max-request-bytes': number;
  'keys-file'?: string;
  insecure: boolean;
}

export const s3ServerCommand: CommandModule<object, S3Args> = {
  command: 's3-server',
  describe: 'Run the embedded S3-compatible server (path-style, SigV4 with the configured key pair)',
  builder: (yargs) =>
    withEndpoints(yargs)
      .option('port', { type: 'number', default: 9000, describe: 'S3 API port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to bind' })
      .option('idle-timeout-ms', {
        type: 'number',
        default: 600_000,
        describe: 'Close connections idle this long',
      })
      .option('max-connections', { type: 'number', default: 1024, describe: 'Open connections in total' })
      .option('max-connections-per-address', {
        type: 'number',
        default: 256,
        describe: 'Open connections per client address',
      })
      .option('max-request-bytes', {
        type: 'number',
        default: 5 * 1024 ** 3,
        describe: 'Largest body of one PutObject/UploadPart',
      })
      .option('keys-file', {
        type: 'string',
        default: process.env.METERSTREAM_S3_KEYS_FILE,
        describe:
          'Only the key pairs of this file, each with its bucket grants ({"keys":[…]}, s3-server README) [env METERSTREAM_S3_KEYS_FILE]',
      })
      .option('insecure', {
        type: 'boolean',
        default: false,
        describe: 'Listen beyond loopback with the documented default key pair',
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 's3-server');
    const keys = args['keys-file'] ? await readAccessKeysFile(args['keys-file']) : undefined;
    assertSafeBind('meterstream s3-server', args.host, {
      // the documented default pair is no secret
      secured: keys !== undefined || config.s3.secretAccessKey !== DEFAULT_SECRET_ACCESS_KEY,
      insecure: args.insecure,
    });
    const dataDir = join(config.dataDir, 's3');
    const server = await listenOrExplain('S3', '--port', args.host, args.port, () =>
      startS3Server({
        host: args.host,
        port: args.port,
        dataDir,
        bucket: config.s3.bucket,
        accessKeyId: config.s3.accessKeyId,
        secretAccessKey: config.s3.secretAccessKey,
        keys,
        region: config.s3.region,
        idleTimeoutMs: args['idle-timeout-ms'],
        maxConnections: args['max-connections'],
        maxConnectionsPerAddress: args['max-connections-per-address'],
        maxRequestBytes: args['max-request-bytes'],
        logger,
      }),
    );
    process.stdout.write(
      `S3 server listening on ${server.endpoint} (bucket ${config.s3.bucket}, access key id ${server.accessKeyId}; data in ${dataDir})\n`,
    );
    onShutdownSignal(() => server.close());
    await new Promise(() => {});
  },
};
