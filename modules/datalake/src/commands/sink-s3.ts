import { configYargsOptions, createLogger, loadConfig, pipelineMetricsTopic } from '@meterstream/common';
import type { CommandModule } from 'yargs';
import { DEFAULT_ROLL_POLICY } from '../sink/roll-policy.js';
import { runS3Sink } from '../sink/run-s3-sink.js';
import { stopOnSignals } from './signals.js';

interface SinkS3Args {
  topic: string;
  group: string;
  'dead-letter-topic'?: string;
  'value-format'?: 'registry' | 'avro' | 'json';
  'max-records': number;
  'max-bytes': number;
  'max-age-ms': number;
  'session-timeout-ms': number;
  [key: string]: unknown;
}

export const sinkS3Command: CommandModule<object, SinkS3Args> = {
  command: 's3',
  describe: 'Archive the metrics topic (raw, or metrics-clean) into Parquet objects in the S3 data lake',
  builder: (yargs) =>
    yargs
      .options(configYargsOptions())
      .option('topic', {
        type: 'string',
        default: pipelineMetricsTopic(),
        describe: 'Metrics topic to archive (metrics, or metrics-clean) [env METERSTREAM_METRICS_TOPIC]',
      })
      .option('group', { type: 'string', default: 'meterstream-sink-s3', describe: 'Consumer group' })
      .option('dead-letter-topic', {
        type: 'string',
        describe: 'Where records the metric rule refuses go (default metrics-dlq)',
      })
      .option('value-format', {
        choices: ['registry', 'avro', 'json'] as const,
        describe:
          'Encoding of the values (default: registry when a Schema Registry is configured, else avro)',
      })
      .option('max-records', {
        type: 'number',
        default: DEFAULT_ROLL_POLICY.maxRecords,
        describe: 'Roll a partition segment after this many records',
      })
      .option('max-bytes', {
        type: 'number',
        default: DEFAULT_ROLL_POLICY.maxBytes,
        describe: 'Roll after this many input bytes',
      })
      .option('max-age-ms', {
        type: 'number',
        default: DEFAULT_ROLL_POLICY.maxAgeMs,
        describe: 'Roll a segment open this long',
      })
      .option('session-timeout-ms', {
        type: 'number',
        default: 30_000,
        describe: 'Consumer session timeout: how long a crashed instance holds its partitions',
      }) as never,
  handler: async (args) => {
    const config = loadConfig(args);
    const logger = createLogger('sink-s3', config.logLevel, config.logFormat);
    const sink = await runS3Sink({
      config,
      logger,
      topic: args.topic,
      groupId: args.group,
      deadLetterTopic: args['dead-letter-topic'],
      valueFormat: args['value-format'],
      sessionTimeoutMs: args['session-timeout-ms'],
      roll: { maxRecords: args['max-records'], maxBytes: args['max-bytes'], maxAgeMs: args['max-age-ms'] },
    });
    logger.info({ topic: args.topic, bucket: config.s3.bucket }, 's3 sink running');
    stopOnSignals(() => sink.stop());
    await sink.done;
    logger.info(sink.stats(), 's3 sink stopped');
  },
};
