import {
  configYargsOptions,
  createKafka,
  createLogger,
  loadConfig,
  readSecureStack,
  redisAuthOptions,
  secureStackFiles,
  setHttpCredentials,
  trustStackCa,
} from '@meterstream/common';
import {
  AggregateDao,
  HighWaterMarkDao,
  MartDao,
  applyMigrations,
  createCassandraClient,
} from '@meterstream/persistence';
import { type Admin, logLevel } from 'kafkajs';
import {
  assertSafeBind,
  loadSecurityBundle,
  readCredentialsFile,
  tlsServerOptions,
} from '@meterstream/security';
import type { CommandModule } from 'yargs';
import { createS3Client } from '../s3-client.js';
import { AlertsFeed } from '../serving/dashboard/alerts-feed.js';
import { parseHealthTargets } from '../serving/dashboard/pipeline-health.js';
import { createDashboardRedis } from '../serving/dashboard/redis-client.js';
import { buildServingApi } from '../serving/http-api.js';
import { stopOnSignals } from './signals.js';

interface ServeArgs {
  port: number;
  host: string;
  healthTargets?: string;
  credentials?: string;
  'tls-bundle'?: string;
  insecure: boolean;
  'alarms-topic': string;
  'meter-alerts-topic': string;
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
      .option('health-targets', {
        type: 'string',
        describe:
          'Prometheus endpoints of the apps for the dashboard, name=url,… (e.g. aggregate-60=http://127.0.0.1:9464/metrics)',
      })
      .option('alarms-topic', {
        type: 'string',
        default: 'alarms',
        describe:
          "The ksql alarms stream's topic, shown on the dashboard's Alerts view (read, never created)",
      })
      .option('meter-alerts-topic', {
        type: 'string',
        default: 'meter-alerts',
        describe: "The quality stage's alerts topic, shown on the Alerts view (read, never created)",
      })
      .option('credentials', {
        type: 'string',
        default: process.env.METERSTREAM_SERVE_CREDENTIALS,
        describe: 'Basic auth users file ({"users":[…]}, e.g. <data-dir>/security/credentials.json)',
      })
      .option('tls-bundle', {
        type: 'string',
        describe:
          'Serve HTTPS with the security bundle of this data directory (<dir>/security/); the default on a stack started with `up --secure`',
      })
      .option('insecure', {
        type: 'boolean',
        default: false,
        describe: 'Listen beyond loopback without credentials',
      })
      // At parse time: a refused bind must not first wait for Cassandra (the endpoint check).
      .check((args) => {
        assertSafeBind('meterstream serve', args.host ?? '127.0.0.1', {
          secured: !!args.credentials,
          insecure: args.insecure,
        });
        return true;
      }) as never,
  handler: async (args) => {
    const config = loadConfig(args);
    // On a stack started with `up --secure` the API asks for the stack's users too.
    const credentials =
      args.credentials ?? (config.securityUser ? secureStackFiles(config.dataDir).credentials : undefined);
    const users = credentials ? await readCredentialsFile(credentials) : undefined;
    // Like every HTTP endpoint of a secured stack: HTTPS with the stack's certificate.
    const bundleDir = args['tls-bundle'] ?? (config.securityUser ? config.dataDir : undefined);
    const bundle = bundleDir ? await loadSecurityBundle(bundleDir) : undefined;
    const logger = createLogger('serve', config.logLevel, config.logFormat);
    const keyspace = config.cassandra.keyspace;
    const cassandra = createCassandraClient(config.cassandra);
    await applyMigrations(cassandra, { keyspace });
    const healthTargets = parseHealthTargets(args.healthTargets);
    if (config.securityUser) trustHealthTargets(config.dataDir, config.securityUser, healthTargets);
    const redis = createDashboardRedis(config.redisUrl, redisAuthOptions(config));
    redis.on('error', (error) => logger.debug({ err: error }, 'redis connection'));
    redis
      .connect()
      .catch((error: Error) =>
        logger.warn(
          { redis: redisHost(config.redisUrl), reason: error.message },
          "Redis not reachable (yet): the dashboard's series list and live view wait for it (--redis-url)",
        ),
      );
    let admin: Promise<Admin> | undefined;
    const connectAdmin = () => {
      admin ??= (async () => {
        // Silent: a broker that is down is shown on the health view, not logged at every refresh.
        const client = createKafka(config, logger, {
          retry: { retries: 1 },
          logLevel: logLevel.NOTHING,
        }).admin();
        await client.connect();
        return client;
      })().catch((error) => {
        admin = undefined; // the next request tries again
        throw error;
      });
      return admin;
    };
    // The Alerts view's consumers: silent like the admin (the view shows what is wrong).
    const alerts = new AlertsFeed({
      kafka: createKafka(config, logger, { retry: { retries: 1 }, logLevel: logLevel.NOTHING }),
      admin: connectAdmin,
      topics: { alarms: args['alarms-topic'], meterAlerts: args['meter-alerts-topic'] },
      logger,
    });
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
      marts: new MartDao(cassandra, { keyspace }),
      dashboard: {
        redis,
        healthTargets,
        admin: connectAdmin,
        lake: { s3: createS3Client(config.s3), bucket: config.s3.bucket },
        alerts,
        logger,
      },
    });
    let address: string;
    try {
      address = await app.listen({ port: args.port, host: args.host });
    } catch (error) {
      await alerts.stop();
      await cassandra.shutdown();
      redis.disconnect();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      throw new Error(
        `the serving layer cannot listen on ${args.host}:${args.port}: the port is in use by another process; choose another with --port (0: any free port)`,
        { cause: error },
      );
    }
    // On stdout whatever the log level: with --port 0 this line is the only way to learn the port.
    process.stdout.write(
      `serving layer listening on ${address} (GET /aggregates, GET /health; dashboard at /); Ctrl-C stops it\n`,
    );
    logger.info({ address }, 'serving layer listening');
    alerts.start();
    stopOnSignals(async () => {
      await app.close();
      await alerts.stop();
      await cassandra.shutdown();
      redis.disconnect();
      // An admin that never connected has nothing to close (its error was answered already).
      if (admin) await (await admin.catch(() => undefined))?.disconnect();
    });
  },
};

/**
 * The apps' /metrics on a secured stack are HTTPS with the stack's certificate and Basic auth with
 * the stack's users: the dashboard scrapes them as this process's own user, trusting the stack CA.
 */
function trustHealthTargets(dataDir: string, role: string, targets: readonly { url: string }[]): void {
  const stack = readSecureStack(dataDir, role);
  if (!stack) return;
  const urls = targets.map((t) => t.url);
  trustStackCa(stack.caFile, urls);
  for (const url of urls) setHttpCredentials(url, stack.user);
}

/** host:port of a Redis URL, without credentials a URL may carry. */
function redisHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unparsable --redis-url)'; // the connection attempt reports the URL's problem itself
  }
}
