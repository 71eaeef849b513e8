import type { CommandModule } from 'yargs';
import { startCassandraWriter } from '../apps/cassandra-writer.js';
import { commandContext, onShutdownSignal, withEndpoints } from '../command-context.js';

interface SinkCassandraArgs {
  window: number;
  topic?: string;
  group?: string;
  concurrency: number;
  'batch-rows': number;
  'batch-grouping': 'partition' | 'any';
  'chunk-size': number;
  'partitions-concurrently': number;
  'session-timeout-ms': number;
  'metrics-port'?: number;
}

/** `meterstream sink cassandra --window 60` (mount under a `sink` command). */
export const sinkCassandraCommand: CommandModule<object, SinkCassandraArgs> = {
  command: 'cassandra',
  describe: 'Write the aggregates of one window from metrics-aggregates-<w> to Cassandra',
  builder: (yargs) =>
    withEndpoints(yargs)
      .option('metrics-port', {
        type: 'number',
        describe: 'Serve Prometheus /metrics on this port (0: any free port)',
      })
      .option('window', {
        type: 'number',
        demandOption: true,
        describe: 'Window length in seconds (60, 600, 3600, 86400)',
      })
      .option('topic', { type: 'string', describe: 'Source topic (default metrics-aggregates-<window>)' })
      .option('group', {
        type: 'string',
        describe: 'Consumer group (default meterstream-cassandra-writer-<window>)',
      })
      .option('concurrency', { type: 'number', default: 64, describe: 'Cassandra writes in flight' })
      .option('batch-rows', {
        type: 'number',
        default: 50,
        describe: 'Rows per UNLOGGED BATCH request, at most (1: one INSERT per row)',
      })
      .option('batch-grouping', {
        choices: ['partition', 'any'] as const,
        default: 'partition' as const,
        describe:
          'Which rows share a batch: partition (rows of one Cassandra partition, for a cluster) or any (fewest requests, for one node such as the embedded CQL server)',
      })
      .option('chunk-size', {
        type: 'number',
        default: 2000,
        describe: 'Records written before each offset commit',
      })
      .option('partitions-concurrently', {
        type: 'number',
        default: 4,
        describe: 'Partitions written at the same time, each with --concurrency writes in flight',
      })
      .option('session-timeout-ms', {
        // the name aggregate and sink s3 use; the earlier spelling stays accepted
        alias: 'session-timeout',
        type: 'number',
        default: 30_000,
        describe: 'Consumer group session timeout in ms (how soon a dead instance is replaced)',
      })
      .check((args) => {
        if (!Number.isInteger(args.window) || args.window <= 0)
          throw new Error('--window must be a positive integer');
        if (!Number.isInteger(args['batch-rows']) || args['batch-rows'] < 1)
          throw new Error('--batch-rows must be a positive integer');
        return true;
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'sink-cassandra');
    const writer = await startCassandraWriter({
      config,
      logger,
      window: args.window,
      topic: args.topic,
      groupId: args.group,
      concurrency: args.concurrency,
      batchRows: args['batch-rows'],
      batchGrouping: args['batch-grouping'],
      chunkSize: args['chunk-size'],
      partitionsConsumedConcurrently: args['partitions-concurrently'],
      sessionTimeoutMs: args['session-timeout-ms'],
      metricsPort: args['metrics-port'],
    });
    onShutdownSignal(() => writer.stop());
  },
};
