import { join } from 'node:path';
import { startBroker, startSchemaRegistry } from '@meterstream/broker';
import { startCqlServer } from '@meterstream/cql-server';
import type { CommandModule } from 'yargs';
import { commandContext, onShutdownSignal, withEndpoints } from '../command-context.js';
import { type CqlLimitArgs, cqlLimits, withCqlLimitOptions } from './cql-limit-options.js';
import { brokerLimitsFrom, type LimitArgs, withBrokerLimits } from './broker-limit-options.js';

interface BrokerArgs extends LimitArgs {
  port: number;
  host: string;
  'data-dir'?: string;
  'schema-registry-port': number;
  'metrics-port'?: number;
  'default-partitions': number;
  fsync: 'fsync' | 'write';
}

export const brokerCommand: CommandModule<object, BrokerArgs> = {
  command: 'broker',
  describe: 'Run the embedded Kafka-protocol broker with its Schema Registry API',
  builder: (yargs) =>
    withBrokerLimits(withEndpoints(yargs))
      .option('port', { type: 'number', default: 9092, describe: 'Kafka protocol port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to bind' })
      .option('schema-registry-port', {
        type: 'number',
        default: 8081,
        describe: 'Schema Registry API port (-1: none)',
      })
      .option('metrics-port', { type: 'number', describe: 'Prometheus /metrics port' })
      .option('default-partitions', {
        type: 'number',
        default: 4,
        describe: 'Partitions of auto-created topics',
      })
      .option('fsync', {
        choices: ['fsync', 'write'] as const,
        default: 'fsync' as const,
        describe:
          'acks=-1 answered after fsync (survives power loss) or after write (survives a broker crash)',
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'broker');
    const dataDir = join(config.dataDir, 'kafka');
    const limits = brokerLimitsFrom(args);
    const broker = await startBroker({
      ...limits.broker,
      host: args.host,
      port: args.port,
      dataDir,
      metricsPort: args['metrics-port'],
      defaultPartitions: args['default-partitions'],
      fsyncPolicy: args.fsync,
      logger,
    });
    const registry =
      args['schema-registry-port'] >= 0
        ? await startSchemaRegistry({
            host: args.host,
            port: args['schema-registry-port'],
            dataDir: join(config.dataDir, 'schema-registry'),
            logger,
            ...limits.registry,
          })
        : undefined;
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

interface CqlArgs extends CqlLimitArgs {
  port: number;
  host: string;
}

export const cqlServerCommand: CommandModule<object, CqlArgs> = {
  command: 'cql-server',
  describe: 'Run the embedded Cassandra-compatible server (CQL native protocol v4)',
  builder: (yargs) =>
    withCqlLimitOptions(withEndpoints(yargs))
      .option('port', { type: 'number', default: 9042, describe: 'CQL port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to bind' }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'cql-server');
    const dataDir = join(config.dataDir, 'cassandra');
    const server = await startCqlServer({
      host: args.host,
      port: args.port,
      dataDir,
      logger,
      ...cqlLimits(args),
    });
    process.stdout.write(`CQL server listening on ${server.host}:${server.port} (data in ${dataDir})\n`);
    onShutdownSignal(() => server.close());
    await new Promise(() => {});
  },
};
