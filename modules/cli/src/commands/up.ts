import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { commandContext, onShutdownSignal, withEndpoints } from '../command-context.js';
import { type CqlLimitArgs, cqlLimits, withCqlLimitOptions } from './cql-limit-options.js';
import { startLocalStack } from '../stack/local-stack.js';
import { brokerLimitsFrom, type LimitArgs, withBrokerLimits } from './broker-limit-options.js';

interface UpArgs extends CqlLimitArgs, LimitArgs {
  'kafka-port': number;
  'schema-registry-port': number;
  'cassandra-port': number;
  's3-port': number;
  'redis-port': number;
  redis: boolean;
  'ksql-port': number;
  ksql: boolean;
}

export const upCommand: CommandModule<object, UpArgs> = {
  command: 'up',
  describe:
    'Start the embedded local stack (broker + Schema Registry API, CQL server, S3 server, redis-server, ksqlDB-compatible server) until Ctrl-C',
  builder: (yargs) =>
    withBrokerLimits(withCqlLimitOptions(withEndpoints(yargs)))
      .option('kafka-port', {
        type: 'number',
        default: 9092,
        describe: 'Kafka protocol port (0: any free port)',
      })
      .option('schema-registry-port', { type: 'number', default: 8081, describe: 'Schema Registry API port' })
      .option('cassandra-port', { type: 'number', default: 9042, describe: 'CQL native protocol port' })
      .option('s3-port', { type: 'number', default: 9000, describe: 'S3 API port' })
      .option('redis-port', { type: 'number', default: 6379, describe: 'redis-server port' })
      .option('redis', {
        type: 'boolean',
        default: true,
        describe: 'Start redis-server when it is on the PATH',
      })
      .option('ksql-port', {
        type: 'number',
        default: 8088,
        describe: 'ksqlDB-compatible server (REST API) port',
      })
      .option('ksql', {
        type: 'boolean',
        default: true,
        describe: 'Start the ksqlDB-compatible server (`meterstream ksql-server`, its own process)',
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'up');
    const stack = await startLocalStack({
      dataDir: config.dataDir,
      bucket: config.s3.bucket,
      s3Credentials: { accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey },
      redis: args.redis,
      cql: cqlLimits(args),
      limits: brokerLimitsFrom(args),
      ports: {
        kafka: args['kafka-port'],
        schemaRegistry: args['schema-registry-port'],
        cassandra: args['cassandra-port'],
        s3: args['s3-port'],
        redis: args['redis-port'],
      },
      ksql: args.ksql
        ? { port: args['ksql-port'], cliMain: fileURLToPath(new URL('../main.js', import.meta.url)) }
        : undefined,
      logger,
    });
    const lines = [
      'meterstream local stack is up:',
      `  Kafka            ${stack.kafkaBrokers}`,
      `  Schema Registry  ${stack.schemaRegistryUrl}`,
      `  Cassandra (CQL)  ${stack.cassandraContactPoint}`,
      `  S3               ${stack.s3Endpoint} (bucket ${config.s3.bucket}; access key id ${stack.s3AccessKeyId}, secret ${stack.s3SecretAccessKey})`,
      `  Redis            ${stack.redisUrl ?? (args.redis ? 'not started (redis-server is not on the PATH; Debian: apt-get install redis-server)' : 'not started (--no-redis)')}`,
      `  ksqlDB (REST)    ${stack.ksqlUrl ?? 'not started (--no-ksql)'}${stack.ksqlUrl ? '   — `meterstream ksql` opens a prompt on it' : ''}`,
      '',
      'Environment for other meterstream processes:',
      ...Object.entries(stack.env()).map(([k, v]) => `  export ${k}=${v}`),
      '',
      'Ctrl-C stops everything.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    onShutdownSignal(() => stack.close());
    await new Promise(() => {}); // until a signal arrives
  },
};
