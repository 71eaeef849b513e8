import { join } from 'node:path';
import { DEFAULT_DEDUP_WINDOW_SEC, DEFAULT_QUALITY_TOPICS } from '@meterstream/quality';
import type { ProcessingGuarantee } from '@meterstream/streams';
import type { CommandModule } from 'yargs';
import { startQuality } from '../apps/quality.js';
import { commandContext, onShutdownSignal, withEndpoints } from '../command-context.js';

interface QualityArgs {
  source: string;
  clean: string;
  quarantine: string;
  alerts: string;
  rules?: string;
  'dedup-window': number;
  'input-format': 'avro' | 'json';
  'processing-guarantee': ProcessingGuarantee;
  'commit-interval-ms'?: number;
  'application-id'?: string;
  'instance-id'?: string;
  'state-dir'?: string;
  'state-store': 'memory' | 'redis';
  'metrics-port'?: number;
  'session-timeout-ms': number;
}

export const qualityCommand: CommandModule<object, QualityArgs> = {
  command: 'quality',
  describe: 'Run the quality stage: metrics → metrics-clean, metrics-quarantine, meter-alerts',
  builder: (yargs) =>
    withEndpoints(yargs)
      .option('source', {
        type: 'string',
        default: DEFAULT_QUALITY_TOPICS.source,
        describe: 'Topic of raw metrics',
      })
      .option('clean', {
        type: 'string',
        default: DEFAULT_QUALITY_TOPICS.clean,
        describe: 'Topic of valid readings (JSON, with quality bits and estimated flag)',
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
      })
      .option('input-format', {
        choices: ['avro', 'json'] as const,
        default: 'avro' as const,
        describe: 'Encoding of metric values',
      })
      .option('processing-guarantee', {
        choices: ['at_least_once', 'exactly_once_v2'] as const,
        default: 'exactly_once_v2' as const,
        describe:
          'Delivery guarantee of the outputs (exactly_once_v2: read_committed readers see each output once)',
      })
      .option('commit-interval-ms', {
        type: 'number',
        describe: 'Commit interval (default 30000, or 100 with exactly_once_v2)',
      })
      .option('application-id', {
        type: 'string',
        describe: 'Consumer group and internal topic prefix (default meterstream-quality)',
      })
      .option('instance-id', {
        type: 'string',
        describe:
          'Id of this instance (names its transactional producer); default: the process id kept in --state-dir',
      })
      .option('state-dir', {
        type: 'string',
        describe: 'Streams state directory, locked while running (default <data-dir>/streams-quality)',
      })
      .option('state-store', {
        choices: ['memory', 'redis'] as const,
        default: 'memory' as const,
        describe: 'State store backend',
      })
      .option('metrics-port', { type: 'number', describe: 'Serve Prometheus metrics on this port' })
      .option('session-timeout-ms', {
        type: 'number',
        default: 30_000,
        describe: 'Consumer group session timeout: how long a crashed instance keeps its partitions',
      })
      .check((args) => {
        if (!(args['dedup-window'] > 0))
          throw new Error(`--dedup-window must be a positive number of seconds, got ${args['dedup-window']}`);
        return true;
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'quality');
    const app = await startQuality({
      config,
      logger,
      topics: { source: args.source, clean: args.clean, quarantine: args.quarantine, alerts: args.alerts },
      rulesFile: args.rules,
      dedupWindowSec: args['dedup-window'],
      inputFormat: args['input-format'],
      processingGuarantee: args['processing-guarantee'],
      commitIntervalMs: args['commit-interval-ms'],
      applicationId: args['application-id'],
      instanceId: args['instance-id'],
      // Its own directory: the aggregator locks <data-dir>/streams while it runs beside it.
      stateDir: args['state-dir'] ?? join(config.dataDir, 'streams-quality'),
      stateStore: args['state-store'],
      metricsPort: args['metrics-port'],
      sessionTimeoutMs: args['session-timeout-ms'],
    });
    process.on('SIGHUP', () => app.reloadRules());
    app.streams.setStateListener((state) => {
      if (state === 'ERROR') {
        logger.fatal({ err: app.streams.error() }, 'quality stage stopped on an error');
        void app.close().finally(() => process.exit(1));
      }
    });
    onShutdownSignal(async () => {
      await app.close();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    });
    await new Promise(() => {}); // runs until a signal or an error
  },
};
