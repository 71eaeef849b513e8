import { configYargsOptions, loadConfig } from '@meterstream/common';
import { compactLake, createS3Client, utcDate, vacuumLake } from '@meterstream/datalake';
import type { CommandModule } from 'yargs';

interface CompactArgs {
  from?: string;
  before?: string;
  type?: string[];
  'target-mib': number;
  [key: string]: unknown;
}

export const compactCommand: CommandModule<object, CompactArgs> = {
  command: 'compact',
  describe:
    "Merge each closed day-partition's small Parquet files into few large ones, dropping duplicate readings",
  builder: (yargs) =>
    yargs
      .options(configYargsOptions())
      .option('from', { type: 'string', describe: 'First UTC date to compact (default: the oldest)' })
      .option('before', {
        type: 'string',
        describe: 'Compact dates before this UTC date (default: yesterday)',
      })
      .option('type', { type: 'string', array: true, describe: 'Only these metric types' })
      .option('target-mib', {
        type: 'number',
        default: 128,
        describe: 'Target size of a merged object, MiB',
      }) as never,
  handler: async (args) => {
    const config = loadConfig(args);
    const s3 = createS3Client(config.s3);
    try {
      const reports = await compactLake({
        s3,
        bucket: config.s3.bucket,
        from: args.from,
        before: args.before ?? utcDate(Date.now() - 86_400_000),
        types: args.type?.map((t) => t.toUpperCase()),
        targetBytes: args['target-mib'] * 2 ** 20,
      });
      process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    } finally {
      s3.destroy();
    }
  },
};

interface VacuumArgs {
  'retention-hours': number;
  [key: string]: unknown;
}

export const vacuumCommand: CommandModule<object, VacuumArgs> = {
  command: 'vacuum',
  describe:
    'Delete lake objects compactions replaced (and uncommitted compaction output) older than the retention',
  builder: (yargs) =>
    yargs.options(configYargsOptions()).option('retention-hours', {
      type: 'number',
      default: 24,
      describe: 'Keep replaced objects this long, for readers that listed them before the compaction',
    }) as never,
  handler: async (args) => {
    const config = loadConfig(args);
    const s3 = createS3Client(config.s3);
    try {
      const report = await vacuumLake({
        s3,
        bucket: config.s3.bucket,
        retentionMs: args['retention-hours'] * 3_600_000,
      });
      process.stdout.write(
        `${JSON.stringify({ deleted: report.deleted.length, retained: report.retained }, null, 2)}\n`,
      );
    } finally {
      s3.destroy();
    }
  },
};
