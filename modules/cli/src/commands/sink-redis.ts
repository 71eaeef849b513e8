import { pipelineMetricsTopic } from '@meterstream/common';
import type { CommandModule } from 'yargs';
import { startRedisViewSink } from '../apps/redis-view-sink.js';
import { commandContext, onShutdownSignal, withEndpoints } from '../command-context.js';

interface SinkRedisArgs {
  windows: string;
  'metrics-topic': string;
  group?: string;
  prefix: string;
  'metrics-port'?: number;
}

/** `meterstream sink redis` (mount under a `sink` command). */
export const sinkRedisCommand: CommandModule<object, SinkRedisArgs> = {
  command: 'redis',
  describe:
    'Keep the Redis serving view: latest aggregate per series and window, latest activity per gateway',
  builder: (yargs) =>
    withEndpoints(yargs)
      .option('metrics-port', {
        type: 'number',
        describe: 'Serve Prometheus /metrics on this port (0: any free port)',
      })
      .option('windows', {
        type: 'string',
        default: '60,600,3600,86400',
        describe: 'Windows whose aggregate topics to read',
      })
      .option('metrics-topic', {
        type: 'string',
        default: pipelineMetricsTopic(),
        describe: 'Metrics topic for latest activity ("none": skip) [env METERSTREAM_METRICS_TOPIC]',
      })
      .option('group', { type: 'string', describe: 'Consumer group (default meterstream-redis-view)' })
      .option('prefix', { type: 'string', default: 'meterstream', describe: 'Redis key prefix' }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'sink-redis');
    const windows = args.windows.split(',').map((w) => Number(w.trim()));
    if (windows.some((w) => !Number.isInteger(w) || w <= 0))
      throw new Error(`invalid --windows ${args.windows}`);
    const sink = await startRedisViewSink({
      config,
      logger,
      windows,
      metricsTopic: args['metrics-topic'] === 'none' ? null : args['metrics-topic'],
      groupId: args.group,
      prefix: args.prefix,
      metricsPort: args['metrics-port'],
    });
    onShutdownSignal(() => sink.stop());
  },
};
