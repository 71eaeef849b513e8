import { configYargsOptions, createLogger, loadConfig } from '@meterstream/common';
import {
  AggregateDao,
  HighWaterMarkDao,
  applyMigrations,
  createCassandraClient,
} from '@meterstream/persistence';
import type { CommandModule } from 'yargs';
import { buildServingApi } from '../serving/http-api.js';
import { stopOnSignals } from './signals.js';

interface ServeArgs {
  port: number;
  host: string;
  [key: string]: unknown;
}

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Serving layer HTTP API: batch views up to the high-water mark, real-time views after it',
  builder: (yargs) =>
    yargs
      .options(configYargsOptions())
      .option('port', { type: 'number', default: 8080, describe: 'HTTP port' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to bind' }) as never,
  handler: async (args) => {
    const config = loadConfig(args);
    const logger = createLogger('serve', config.logLevel);
    const keyspace = config.cassandra.keyspace;
    const cassandra = createCassandraClient(config.cassandra);
    await applyMigrations(cassandra, { keyspace });
    const app = buildServingApi({
      cassandra,
      logger,
      stores: {
        speed: new AggregateDao(cassandra, { keyspace }),
        batch: new AggregateDao(cassandra, { keyspace, family: 'batch_aggregates' }),
        marks: new HighWaterMarkDao(cassandra, { keyspace }),
      },
    });
    const address = await app.listen({ port: args.port, host: args.host });
    logger.info({ address }, 'serving layer listening');
    stopOnSignals(async () => {
      await app.close();
      await cassandra.shutdown();
    });
  },
};
