import {
  configYargsOptions,
  createLogger,
  formatInstant,
  formatMetricKey,
  loadConfig,
} from '@meterstream/common';
import { AggregateDao, HighWaterMarkDao, createCassandraClient } from '@meterstream/persistence';
import type { CommandModule } from 'yargs';
import { createS3Client } from '../s3-client.js';
import { parseRange, parseWindow } from '../time-range.js';
import type { AggregateDifference } from '../verify/compare.js';
import { runVerify } from '../verify/run-verify.js';

interface VerifyArgs {
  window: string;
  from: string;
  to: string;
  tolerance: number;
  [key: string]: unknown;
}

function describe(difference: AggregateDifference): string {
  const where = `${formatMetricKey(difference.series)} ${formatInstant(difference.windowStart)}`;
  if (difference.kind !== 'values-differ') return `${where}: ${difference.kind}`;
  const fields = difference.fields.map(
    (field) =>
      `${field} batch=${String(difference.batch?.[field as keyof typeof difference.batch])} speed=${String(difference.speed?.[field as keyof typeof difference.speed])}`,
  );
  return `${where}: ${fields.join(', ')}`;
}

export const verifyCommand: CommandModule<object, VerifyArgs> = {
  command: 'verify',
  describe:
    'Consistency report: batch vs speed aggregates of every closed window in range that the batch view covers (exit 1 on differences or when nothing was compared)',
  builder: (yargs) =>
    yargs
      .options(configYargsOptions())
      .option('window', { type: 'string', demandOption: true, describe: 'Window length in seconds' })
      .option('from', {
        type: 'string',
        demandOption: true,
        describe: 'First UTC date or instant, inclusive',
      })
      .option('to', { type: 'string', demandOption: true, describe: 'End UTC date or instant, exclusive' })
      .option('tolerance', {
        type: 'number',
        default: 1e-9,
        describe: 'Allowed relative difference of sum and average',
      }) as never,
  handler: async (args) => {
    const config = loadConfig(args);
    const logger = createLogger('verify', config.logLevel, config.logFormat);
    const window = parseWindow(args.window);
    const { from, to } = parseRange(args.from, args.to);
    const cassandra = createCassandraClient(config.cassandra);
    const s3 = createS3Client(config.s3);
    const keyspace = config.cassandra.keyspace;
    try {
      const result = await runVerify({
        window,
        from,
        to,
        relativeTolerance: args.tolerance,
        speed: new AggregateDao(cassandra, { keyspace }),
        batch: new AggregateDao(cassandra, { keyspace, family: 'batch_aggregates' }),
        marks: new HighWaterMarkDao(cassandra, { keyspace }),
        lake: { s3, bucket: config.s3.bucket },
        progress: { logger },
      });
      for (const difference of result.differences) process.stdout.write(`${describe(difference)}\n`);
      process.stdout.write(
        `window ${window} s, ${formatInstant(result.from)} to ${formatInstant(result.to)}: ${result.series} series, ` +
          `${result.windowsCompared} closed windows compared, ${result.differences.length} differences\n`,
      );
      if (result.differences.length > 0) process.exitCode = 1;
      else if (result.windowsCompared === 0) {
        // "0 differences" over nothing proves nothing: say why and fail, so scripts do not pass on it.
        process.stderr.write(
          `verify: nothing compared — no closed window of ${args.from} to ${args.to} is covered by the batch view ` +
            '(run `meterstream batch` over the range once the S3 sink has flushed it) or has rows in either layer\n',
        );
        process.exitCode = 2;
      }
    } finally {
      s3.destroy();
      await cassandra.shutdown();
    }
  },
};
