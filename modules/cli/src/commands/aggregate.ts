import { join } from 'node:path';
import { pipelineMetricsTopic } from '@meterstream/common';
import type { CommandModule } from 'yargs';
import { startAggregator } from '../apps/aggregator.js';
import { DEFAULT_GRACE_SEC } from '../apps/aggregator-topology.js';
import { commandContext, withEndpoints } from '../command-context.js';
import {
  type StreamsAppArgs,
  runUntilStopped,
  streamsAppOptions,
  withStreamsAppOptions,
} from './streams-app-command.js';

interface AggregateArgs extends StreamsAppArgs {
  source: string;
  window: number[];
  grace: number;
  'output-prefix': string;
}

export const aggregateCommand: CommandModule<object, AggregateArgs> = {
  command: 'aggregate',
  describe: 'Run the windowed aggregator (speed layer): metrics → metrics-aggregates-<window>',
  builder: (yargs) =>
    withStreamsAppOptions(
      withEndpoints(yargs)
        .option('source', {
          type: 'string',
          default: pipelineMetricsTopic(),
          describe:
            'Topic of metric readings (metrics, or metrics-clean behind the quality stage) [env METERSTREAM_METRICS_TOPIC]',
        })
        .option('window', {
          type: 'number',
          array: true,
          default: [60],
          describe: 'Window size in seconds (repeat for several: --window 60 --window 3600)',
        })
        .option('grace', { type: 'number', default: DEFAULT_GRACE_SEC, describe: 'Grace period in seconds' }),
      {
        guarantee:
          'Delivery guarantee of the output (exactly_once_v2: read_committed readers see every window once, also after a crash)',
        applicationId: 'per window set',
        stateDir:
          'Streams state directory, locked while running; keeps the instance id across restarts (default <data-dir>/streams; two instances on one machine need distinct ones)',
      },
    )
      .option('output-prefix', {
        type: 'string',
        default: 'metrics-aggregates-',
        describe: 'Aggregates of window w go to <output-prefix><w>',
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
      ...streamsAppOptions(args, join(config.dataDir, 'streams')),
      sourceTopic: args.source,
      windowsSec: args.window,
      graceSec: args.grace,
      outputTopic: (windowSec) => `${args['output-prefix']}${windowSec}`,
    });
    // On a signal the summary of losses is the last line: written before the process exits.
    await runUntilStopped(app, logger, 'aggregator');
  },
};
