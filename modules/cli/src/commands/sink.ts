import { sinkS3Command } from '@meterstream/datalake';
import type { CommandModule } from 'yargs';
import { sinkCassandraCommand } from './sink-cassandra.js';
import { sinkRedisCommand } from './sink-redis.js';

export const sinkCommand: CommandModule = {
  command: 'sink',
  describe: 'Run a sink: aggregates into Cassandra, raw metrics into the S3 lake, latest activity into Redis',
  builder: (yargs) =>
    yargs
      .command(sinkCassandraCommand as CommandModule)
      .command(sinkS3Command as CommandModule)
      .command(sinkRedisCommand as CommandModule)
      .demandCommand(1, 'choose a sink: cassandra, s3 or redis'),
  handler: () => {},
};
