import { join } from 'node:path';
import { DEFAULT_DEDUP_WINDOW_SEC, DEFAULT_QUALITY_TOPICS } from '@meterstream/quality';
import type { CommandModule } from 'yargs';
import { startQuality } from '../apps/quality.js';
import { commandContext, withEndpoints } from '../command-context.js';
import {
  type StreamsAppArgs,
  runUntilStopped,
  streamsAppOptions,
  withStreamsAppOptions,
} from './streams-app-command.js';

interface QualityArgs extends StreamsAppArgs {
  source: string;
  clean: string;
  quarantine: string;
  alerts: string;
  rules?: string;
  'dedup-window': number;
}

export const qualityCommand: CommandModule<object, QualityArgs> = {
  command: 'quality',
  describe: 'Run the quality stage: metrics → metrics-clean, metrics-quarantine, meter-alerts',
  builder: (yargs) =>
    withStreamsAppOptions(
      withEndpoints(yargs)
        .option('source', {
          type: 'string',
          default: DEFAULT_QUALITY_TOPICS.source,
          describe: 'Topic of raw metrics',
        })
        .option('clean', {
          type: 'string',
          default: DEFAULT_QUALITY_TOPICS.clean,
          describe:
            'Topic of valid readings with quality bits and estimated flag (Avro Metric via the Schema Registry with --input-format avro and a registry, else JSON)',
        })
        .option('quarantine', {
          type: 'string',
          default: DEFAULT_QUALITY_TOPICS.quarantine,
          describe: 'Topic of invalid readings with the rule that rejected them',
        })
        .option('alerts', {
          type: 'string',
          default: DEFAULT_QUALITY_TOPICS.alerts,
          describe: 'Topic of meter alerts',
        })
        .option('rules', {
          type: 'string',
          describe:
            'YAML rules file (modules/quality/quality-rules.yaml documents them); reloaded on change and SIGHUP',
        })
        .option('dedup-window', {
          type: 'number',
          default: DEFAULT_DEDUP_WINDOW_SEC,
          describe: 'Seconds a (key, timestamp) is remembered to drop duplicates (fixed at start)',
        }),
      {
        guarantee:
          'Delivery guarantee of the outputs (exactly_once_v2: read_committed readers see each output once)',
        applicationId: 'meterstream-quality',
        stateDir: 'Streams state directory, locked while running (default <data-dir>/streams-quality)',
      },
    ).check((args) => {
      if (!(args['dedup-window'] > 0))
        throw new Error(`--dedup-window must be a positive number of seconds, got ${args['dedup-window']}`);
      return true;
    }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'quality');
    const app = await startQuality({
      config,
      logger,
      // Its own directory: the aggregator locks <data-dir>/streams while it runs beside it.
      ...streamsAppOptions(args, join(config.dataDir, 'streams-quality')),
      topics: { source: args.source, clean: args.clean, quarantine: args.quarantine, alerts: args.alerts },
      rulesFile: args.rules,
      dedupWindowSec: args['dedup-window'],
    });
    process.on('SIGHUP', () => app.reloadRules());
    await runUntilStopped(app, logger, 'quality stage');
  },
};
