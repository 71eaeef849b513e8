import {
  configYargsOptions,
  createLogger,
  formatInstant,
  loadConfig,
  pipelineMetricsTopic,
} from '@meterstream/common';
import type { CommandModule } from 'yargs';
import { type BatchEngine, runBatchJob } from '../batch/run-batch-job.js';
import { parseRange, parseWindow } from '../time-range.js';

interface BatchArgs {
  window: string;
  from: string;
  to: string;
  engine: BatchEngine;
  topic: string;
  [key: string]: unknown;
}

export const batchCommand: CommandModule<object, BatchArgs> = {
  command: 'batch',
  describe: 'Recompute the batch views of one window from the data lake into Cassandra',
  builder: (yargs) =>
    yargs
      .options(configYargsOptions())
      .option('window', {
        type: 'string',
        demandOption: true,
        describe: 'Window length in seconds (60, 600, 3600, 86400)',
      })
      .option('from', {
        type: 'string',
        demandOption: true,
        describe: 'First UTC date (yyyy-mm-dd) or instant, inclusive',
      })
      .option('to', {
        type: 'string',
        demandOption: true,
        describe: 'End UTC date or instant, exclusive',
      })
      .option('engine', {
        choices: ['reference', 'duckdb'] as const,
        default: 'reference' as const,
        describe:
          'Compute the windows in this process (reference) or as SQL on DuckDB; both give the same rows',
      })
      .option('topic', {
        type: 'string',
        default: pipelineMetricsTopic(),
        describe:
          'The topic the S3 sink archives (metrics-clean when it reads the quality stage): its flush progress bounds the run [env METERSTREAM_METRICS_TOPIC]',
      }) as never,
  handler: async (args) => {
    const config = loadConfig(args);
    const logger = createLogger('batch', config.logLevel, config.logFormat);
    const window = parseWindow(args.window);
    const { from, to } = parseRange(args.from, args.to);
    const result = await runBatchJob({
      config,
      logger,
      window,
      from,
      to,
      engine: args.engine,
      topic: args.topic,
      progress: {},
    });
    const instant = (ms: number | null) =>
      ms === null ? null : Number.isFinite(ms) ? formatInstant(ms) : String(ms);
    process.stdout.write(
      `${JSON.stringify(
        {
          ...result,
          from: formatInstant(from),
          to: formatInstant(result.to),
          requestedTo: formatInstant(to),
          lakeCoveredUntil: instant(result.lakeCoveredUntil),
          lowWaterMark: instant(result.lowWaterMark),
          highWaterMark: instant(result.highWaterMark),
        },
        null,
        2,
      )}\n`,
    );
    if (result.to < to) {
      process.stderr.write(
        `batch: the lake holds every record only up to ${instant(result.lakeCoveredUntil)}; recomputed up to ${formatInstant(result.to)} ` +
          `instead of ${formatInstant(to)} — run it again once the S3 sink has flushed (its segments roll by size or age)\n`,
      );
    }
  },
};
