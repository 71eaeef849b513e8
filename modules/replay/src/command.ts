import {
  METRIC_ATTRIBUTES,
  type MetricAttribute,
  configYargsOptions,
  createLogger,
  loadConfig,
} from '@meterstream/common';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DATASET_TYPES, type DatasetType } from './readers/dataset-row.js';
import { parseGatewayRange } from './publisher/gateways.js';
import { formatSummary, runReplay } from './publisher/replay.js';

export interface ReplayArgs {
  dataset?: string;
  type?: DatasetType;
  synthetic: boolean;
  seed: number;
  start?: string;
  gateways: string;
  'step-seconds': number;
  attributes?: MetricAttribute[];
  rate: number;
  'day-offset': number;
  'message-count'?: number;
  format: 'avro' | 'json';
  topic: string;
  zone: string;
  'batch-size': number;
  [config: string]: unknown;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`--${name}: expected a number > 0, got ${value}`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`--${name}: expected an integer >= 0, got ${value}`);
  return value;
}

/**
 * `meterstream replay`: publishes a dataset (fanned out to gateways) or the synthetic fleet to Kafka.
 * SIGINT stops reading, flushes what was read, prints the summary; a second SIGINT exits at once.
 */
export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay',
  describe: 'Publish a smart-meter dataset or a synthetic fleet to Kafka as metrics',
  builder: (yargs: Argv) =>
    yargs
      .options({
        dataset: { type: 'string', describe: 'Dataset file (AMPds2 CSV or UCI household power .txt)' },
        type: {
          choices: DATASET_TYPES,
          // `query --type` and the data model spell types in upper case: both spellings work.
          coerce: (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text),
          describe: 'Meter type of the dataset file (any case)',
        },
        synthetic: {
          type: 'boolean',
          default: false,
          describe: 'Publish the synthetic fleet instead of a file',
        },
        seed: { type: 'number', default: 42, describe: 'Seed of the synthetic fleet' },
        start: {
          type: 'string',
          describe: 'First synthetic instant, ISO-8601 (default 2024-01-01T00:00:00Z)',
        },
        gateways: { type: 'string', default: '0..4', describe: 'Gateway ids a..b (inclusive) or one id n' },
        'step-seconds': {
          type: 'number',
          default: 60,
          describe: 'Synthetic: seconds between two readings of a meter',
        },
        attributes: {
          type: 'string',
          array: true,
          choices: METRIC_ATTRIBUTES,
          coerce: (values: unknown) =>
            Array.isArray(values) ? values.map((v) => String(v).toUpperCase()) : values,
          describe: 'Synthetic: only these attributes (e.g. ACTIVE_POWER: one reading per gateway and step)',
        },
        rate: { type: 'number', default: 1000, describe: 'Messages per second (0 = unlimited)' },
        'day-offset': { type: 'number', default: 0, describe: 'Skip the first N days of data' },
        'message-count': { type: 'number', describe: 'Stop after N messages' },
        format: { choices: ['avro', 'json'] as const, default: 'avro' as const, describe: 'Value format' },
        topic: { type: 'string', default: 'metrics', describe: 'Topic to publish to' },
        zone: { type: 'string', default: 'Europe/Paris', describe: 'Time zone of local-time datasets (UCI)' },
        'batch-size': {
          type: 'number',
          default: 250,
          describe: 'Messages an idle partition gathers before it sends (a request carries up to 4 ×)',
        },
        ...configYargsOptions(),
      })
      .check((argv) => {
        if (!argv.synthetic && argv.dataset === undefined)
          throw new Error('give --dataset <file> or --synthetic');
        if (argv.dataset !== undefined && argv.type === undefined) throw new Error('--dataset needs --type');
        return true;
      }) as unknown as Argv<ReplayArgs>,
  handler: async (argv: ArgumentsCamelCase<ReplayArgs>) => {
    const config = loadConfig(argv);
    const logger = createLogger('replay', config.logLevel, config.logFormat);
    const gateways = parseGatewayRange(argv.gateways);
    let syntheticStart: number | undefined;
    if (argv.start !== undefined) {
      syntheticStart = Date.parse(argv.start);
      if (!Number.isFinite(syntheticStart)) throw new RangeError(`--start: not a date-time: ${argv.start}`);
    }
    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) {
        logger.warn('second SIGINT: exiting without waiting for acknowledgements');
        process.exit(130);
      }
      logger.warn('SIGINT: stopping after flushing what was read (Ctrl-C again to exit at once)');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      const summary = await runReplay({
        config,
        logger,
        topic: argv.topic,
        format: argv.format,
        dataset: argv.dataset,
        type: argv.type,
        synthetic: argv.synthetic,
        seed: argv.seed,
        syntheticStart,
        syntheticStepMs: positive('step-seconds', argv['step-seconds']) * 1000,
        syntheticAttributes: argv.attributes,
        gateways,
        rate: nonNegativeInteger('rate', argv.rate),
        dayOffset: nonNegativeInteger('day-offset', argv['day-offset']),
        messageCount:
          argv['message-count'] === undefined
            ? undefined
            : nonNegativeInteger('message-count', argv['message-count']),
        zone: argv.zone,
        batchSize: Math.max(1, nonNegativeInteger('batch-size', argv['batch-size'])),
        signal: controller.signal,
      });
      process.stdout.write(`${formatSummary(summary)}\n`);
    } finally {
      process.off('SIGINT', onSigint);
      logger.flush();
    }
  },
};
