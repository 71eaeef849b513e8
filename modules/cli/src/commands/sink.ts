import { sinkS3Command } from '@meterstream/datalake';
import type { CommandModule } from 'yargs';
import { withEndpointCheck } from '../preflight/with-endpoint-check.js';
import { sinkCassandraCommand } from './sink-cassandra.js';
import { sinkRedisCommand } from './sink-redis.js';

export const sinkCommand: CommandModule = {
  command: 'sink',
  describe: 'Run a sink: aggregates into Cassandra, raw metrics into the S3 lake, latest activity into Redis',
  builder: (yargs) =>
    yargs
      .command(withEndpointCheck(sinkCassandraCommand as CommandModule, 'sink cassandra'))
      .command(withEndpointCheck(sinkS3Command as CommandModule, 'sink s3'))
      .command(withEndpointCheck(sinkRedisCommand as CommandModule, 'sink redis'))
      .demandCommand(1, 'choose a sink: cassandra, s3 or redis'),
  handler: () => {},
};
