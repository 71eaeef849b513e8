import { join } from 'node:path';
import type { ProcessingGuarantee } from '@meterstream/streams';
import type { CommandModule } from 'yargs';
import { startAggregator } from '../apps/aggregator.js';
import { DEFAULT_GRACE_SEC } from '../apps/aggregator-topology.js';
import { commandContext, onShutdownSignal, withEndpoints } from '../command-context.js';

interface AggregateArgs {
  source: string;
  window: number[];
  grace: number;
  'input-format': 'avro' | 'json';
  'processing-guarantee': ProcessingGuarantee;
  'commit-interval-ms'?: number;
  'application-id'?: string;
  'instance-id'?: string;
  'state-dir'?: string;
  'state-store': 'memory' | 'redis';
  'metrics-port'?: number;
  'session-timeout-ms': number;
  'output-prefix': string;
}

export const aggregateCommand: CommandModule<object, AggregateArgs> = {
  command: 'aggregate',
  describe: 'Run the windowed aggregator (speed layer): metrics → metrics-aggregates-<window>',
  builder: (yargs) =>
    withEndpoints(yargs)
      .option('source', { type: 'string', default: 'metrics', describe: 'Topic of raw metrics' })
      .option('window', {
        type: 'number',
        array: true,
        default: [60],
        describe: 'Window size in seconds (repeat for several: --window 60 --window 3600)',
      })
      .option('grace', { type: 'number', default: DEFAULT_GRACE_SEC, describe: 'Grace period in seconds' })
      .option('input-format', {
        choices: ['avro', 'json'] as const,
        default: 'avro' as const,
        describe: 'Encoding of metric values',
      })
      .option('processing-guarantee', {
        choices: ['at_least_once', 'exactly_once_v2'] as const,
        default: 'exactly_once_v2' as const,
        describe:
          'Delivery guarantee of the output (exactly_once_v2: read_committed readers see every window once, also after a crash)',
      })
      .option('commit-interval-ms', {
        type: 'number',
        describe: 'Commit interval (default 30000, or 100 with exactly_once_v2)',
      })
      .option('application-id', {
        type: 'string',
        describe: 'Consumer group and internal topic prefix (default per window set)',
      })
      .option('instance-id', {
        type: 'string',
        describe:
          'Id of this instance (names its transactional producer); default: the process id kept in --state-dir',
      })
      .option('state-dir', {
        type: 'string',
        describe:
          'Streams state directory, locked while running; keeps the instance id across restarts (default <data-dir>/streams; two instances on one machine need distinct ones)',
      })
      .option('state-store', {
        choices: ['memory', 'redis'] as const,
        default: 'memory' as const,
        describe: 'State store backend',
      })
      .option('metrics-port', { type: 'number', describe: 'Serve Prometheus metrics on this port' })
      .option('output-prefix', {
        type: 'string',
        default: 'metrics-aggregates-',
        describe: 'Aggregates of window w go to <output-prefix><w>',
      })
      .option('session-timeout-ms', {
        type: 'number',
        default: 30_000,
        describe: 'Consumer group session timeout: how long a crashed instance keeps its partitions',
      })
      .check((args) => {
        for (const w of args.window) {
          if (!Number.isInteger(w) || w <= 0)
            throw new Error(`--window must be a positive number of seconds, got ${w}`);
        }
        if (!Number.isInteger(args.grace) || args.grace < 0)
          throw new Error(`--grace must be a non-negative number of seconds, got ${args.grace}`);
        return true;
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'aggregate');

    const app = await startAggregator({
      config,
      logger,
      sourceTopic: args.source,
      windowsSec: args.window,
      graceSec: args.grace,
      inputFormat: args['input-format'],
      processingGuarantee: args['processing-guarantee'],
      commitIntervalMs: args['commit-interval-ms'],
      applicationId: args['application-id'],
      instanceId: args['instance-id'],
      stateDir: args['state-dir'] ?? join(config.dataDir, 'streams'),
      stateStore: args['state-store'],
      metricsPort: args['metrics-port'],
      sessionTimeoutMs: args['session-timeout-ms'],
      outputTopic: (windowSec) => `${args['output-prefix']}${windowSec}`,
    });
    app.streams.setStateListener((state) => {
      if (state === 'ERROR') {
        logger.fatal({ err: app.streams.error() }, 'aggregator stopped on an error');
        void app.close().finally(() => process.exit(1));
      }
    });
    onShutdownSignal(async () => {
      await app.close();
      // The summary of losses is the last line: written before the process exits.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    });
    await new Promise(() => {}); // runs until a signal or an error
  },
};
