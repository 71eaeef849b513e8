import { configYargsOptions, loadConfig } from '@meterstream/common';
import { createS3Client } from '@meterstream/datalake';
import { refreshMarts } from '@meterstream/datalake/sql';
import { MartDao, applyMigrations, createCassandraClient } from '@meterstream/persistence';
import type { CommandModule } from 'yargs';
import { CACHE_DIR_OPTION, lakeCacheLocation } from '../sql/lake-cache-location.js';

interface MartsArgs {
  gateways?: string;
  tariffs?: string;
  'max-gap-seconds': number;
  'cache-dir'?: string;
  cassandra: boolean;
  [key: string]: unknown;
}

export const martsCommand: CommandModule<object, MartsArgs> = {
  command: 'marts',
  describe:
    'Refresh the analytics marts (consumption_interval, billing_daily, grid_load_hourly) in the lake, incrementally',
  builder: (yargs) =>
    yargs
      .options(configYargsOptions())
      .option('gateways', {
        type: 'string',
        describe:
          'CSV gateway,customer,zone,timezone (unlisted gateways: own customer, zone unassigned, UTC)',
      })
      .option('tariffs', {
        type: 'string',
        describe:
          'CSV metricType,validFrom,validTo,bandStart,bandEnd,price,currency (none: consumption unpriced)',
      })
      .option('max-gap-seconds', {
        type: 'number',
        default: 900,
        describe: 'An electricity interval longer than this is a dropout: no energy billed for it',
      })
      .option('cassandra', {
        type: 'boolean',
        default: true,
        describe:
          "Also write the recomputed partitions to the marts' Cassandra tables (served by `serve` at /marts/…)",
      })
      .option('cache-dir', CACHE_DIR_OPTION) as never,
  handler: async (args) => {
    const config = loadConfig(args);
    const s3 = createS3Client(config.s3);
    const cassandra = args.cassandra ? createCassandraClient(config.cassandra) : undefined;
    try {
      const keyspace = config.cassandra.keyspace;
      const cache = lakeCacheLocation(config, args['cache-dir']);
      if (cassandra) await applyMigrations(cassandra, { keyspace });
      const report = await refreshMarts({
        s3,
        bucket: config.s3.bucket,
        endpoint: cache.endpoint,
        cacheRoot: cache.root,
        dimensions: { gateways: args.gateways, tariffs: args.tariffs },
        maxGapSeconds: args['max-gap-seconds'],
        cassandra: cassandra ? new MartDao(cassandra, { keyspace }) : undefined,
      });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } finally {
      s3.destroy();
      await cassandra?.shutdown();
    }
  },
};
