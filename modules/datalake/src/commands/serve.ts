import { configYargsOptions, createLogger, loadConfig } from '@meterstream/common';
import {
  AggregateDao,
  HighWaterMarkDao,
  applyMigrations,
  createCassandraClient,
} from '@meterstream/persistence';
import {
  assertSafeBind,
  loadSecurityBundle,
  readCredentialsFile,
  tlsServerOptions,
} from '@meterstream/security';
import type { CommandModule } from 'yargs';
import { buildServingApi } from '../serving/http-api.js';
import { stopOnSignals } from './signals.js';

interface ServeArgs {
  port: number;
  host: string;
  credentials?: string;
  'tls-bundle'?: string;
  insecure: boolean;
  [key: string]: unknown;
}

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Serving layer HTTP API: batch views up to the high-water mark, real-time views after it',
  builder: (yargs) =>
    yargs
      .options(configYargsOptions())
      .option('port', { type: 'number', default: 8080, describe: 'HTTP port' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to bind' })
      .option('credentials', {
        type: 'string',
        default: process.env.METERSTREAM_SERVE_CREDENTIALS,
        describe: 'Basic auth users file ({"users":[…]}, e.g. <data-dir>/security/credentials.json)',
      })
      .option('tls-bundle', {
        type: 'string',
        describe: 'Serve HTTPS with the security bundle of this data directory (<dir>/security/)',
      })
      .option('insecure', {
        type: 'boolean',
        default: false,
        describe: 'Listen beyond loopback without credentials',
      }) as never,
  handler: async (args) => {
    const config = loadConfig(args);
    assertSafeBind('meterstream serve', args.host, { secured: !!args.credentials, insecure: args.insecure });
    const users = args.credentials ? await readCredentialsFile(args.credentials) : undefined;
    const bundle = args['tls-bundle'] ? await loadSecurityBundle(args['tls-bundle']) : undefined;
    const logger = createLogger('serve', config.logLevel, config.logFormat);
    const keyspace = config.cassandra.keyspace;
    const cassandra = createCassandraClient(config.cassandra);
    await applyMigrations(cassandra, { keyspace });
    const app = buildServingApi({
      cassandra,
      logger,
      users,
      tls: bundle ? tlsServerOptions(bundle) : undefined,
      stores: {
        speed: new AggregateDao(cassandra, { keyspace }),
        batch: new AggregateDao(cassandra, { keyspace, family: 'batch_aggregates' }),
        marks: new HighWaterMarkDao(cassandra, { keyspace }),
      },
    });
    let address: string;
    try {
      address = await app.listen({ port: args.port, host: args.host });
    } catch (error) {
      await cassandra.shutdown();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      throw new Error(
        `the serving layer cannot listen on ${args.host}:${args.port}: the port is in use by another process; choose another with --port (0: any free port)`,
        { cause: error },
      );
    }
    // On stdout whatever the log level: with --port 0 this line is the only way to learn the port.
    process.stdout.write(
      `serving layer listening on ${address} (GET /aggregates, GET /health); Ctrl-C stops it\n`,
    );
    logger.info({ address }, 'serving layer listening');
    stopOnSignals(async () => {
      await app.close();
      await cassandra.shutdown();
    });
  },
};
