import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assertSafeBind,
  bundlePaths,
  ensureSecurityBundle,
  redactSecrets,
  rotatePasswords,
  type SecurityBundle,
} from '@meterstream/security';
import type { CommandModule } from 'yargs';
import { commandContext, onShutdownSignal, withEndpoints } from '../command-context.js';
import { type CqlLimitArgs, cqlLimits, withCqlLimitOptions } from './cql-limit-options.js';
import { startLocalStack } from '../stack/local-stack.js';
import { brokerLimitsFrom, type LimitArgs, withBrokerLimits } from './broker-limit-options.js';
import { credentialsBanner } from '../stack/secure-stack.js';
import { type PipelineInput, pipelineInputEnv, startQualityStage } from '../stack/quality-stage.js';
import type { AppProcess } from '../stack/app-process.js';

interface UpArgs extends CqlLimitArgs, LimitArgs {
  'kafka-port': number;
  'schema-registry-port': number;
  'cassandra-port': number;
  's3-port': number;
  'redis-port': number;
  redis: boolean;
  'ksql-port': number;
  ksql: boolean;
  host: string;
  secure: boolean;
  insecure: boolean;
  'rotate-passwords': boolean;
  input: PipelineInput;
  rules?: string;
}

export const upCommand: CommandModule<object, UpArgs> = {
  command: 'up',
  describe:
    'Start the embedded local stack (broker + Schema Registry API, CQL server, S3 server, redis-server, ksqlDB-compatible server; the quality stage with --input clean) until Ctrl-C',
  builder: (yargs) =>
    withBrokerLimits(withCqlLimitOptions(withEndpoints(yargs)))
      .option('kafka-port', {
        type: 'number',
        default: 9092,
        describe: 'Kafka protocol port (0: any free port)',
      })
      .option('schema-registry-port', { type: 'number', default: 8081, describe: 'Schema Registry API port' })
      .option('cassandra-port', { type: 'number', default: 9042, describe: 'CQL native protocol port' })
      .option('s3-port', { type: 'number', default: 9000, describe: 'S3 API port' })
      .option('redis-port', { type: 'number', default: 6379, describe: 'redis-server port' })
      .option('redis', {
        type: 'boolean',
        default: true,
        describe: 'Start redis-server when it is on the PATH',
      })
      .option('ksql-port', {
        type: 'number',
        default: 8088,
        describe: 'ksqlDB-compatible server (REST API) port',
      })
      .option('ksql', {
        type: 'boolean',
        default: true,
        describe: 'Start the ksqlDB-compatible server (`meterstream ksql-server`, its own process)',
      })
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'Interface every server binds (beyond loopback: --secure, or --insecure to say so)',
      })
      .option('secure', {
        type: 'boolean',
        default: false,
        describe:
          'Authentication and TLS on every server; credentials and a local CA in <data-dir>/security/ (README "Security")',
      })
      .option('insecure', {
        type: 'boolean',
        default: false,
        describe: 'Bind a non-loopback --host without --secure (anyone who reaches it may do anything)',
      })
      .option('input', {
        choices: ['raw', 'clean'] as const,
        default: 'clean' as const,
        describe:
          'What the pipeline reads: clean starts the quality stage (metrics → metrics-clean, exactly-once) and exports METERSTREAM_METRICS_TOPIC=metrics-clean, which the aggregators, sinks, batch and ksql queries then read; raw: the metrics topic, no quality stage',
      })
      .option('rules', {
        type: 'string',
        describe:
          "With --input clean: the quality stage's YAML rules file (modules/quality/quality-rules.yaml documents them); reloaded on change",
      })
      .option('rotate-passwords', {
        type: 'boolean',
        default: false,
        describe: 'With --secure: new random passwords for every user (admin included) before starting',
      })
      .check((args) => {
        if (args['rotate-passwords'] && !args.secure) throw new Error('--rotate-passwords needs --secure');
        if (args.rules !== undefined && args.input !== 'clean')
          throw new Error('--rules configures the quality stage, which only --input clean starts');
        if (args.rules !== undefined && !existsSync(args.rules))
          throw new Error(`--rules: no such file: ${args.rules}`);
        return true;
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'up');
    assertSafeBind('meterstream up (--secure turns authentication on)', args.host, {
      secured: args.secure,
      insecure: args.insecure,
    });
    logger.debug({ config: redactSecrets(config), host: args.host, secure: args.secure }, 'configuration');
    // absolute: it is exported to processes started from anywhere
    const dataDir = resolve(config.dataDir);
    let security: SecurityBundle | undefined;
    let generated = false;
    if (args.secure) {
      generated = !existsSync(bundlePaths(dataDir).dir);
      security = await ensureSecurityBundle(dataDir);
      // every user, admin included: each server takes the bundle's passwords at start (the CQL
      // server resets its bootstrap superuser's, the broker replaces SCRAM credentials)
      if (args['rotate-passwords']) security = await rotatePasswords(dataDir);
    }
    const cliMain = fileURLToPath(new URL('../main.js', import.meta.url));
    const stack = await startLocalStack({
      dataDir,
      bucket: config.s3.bucket,
      s3Credentials: { accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey },
      redis: args.redis,
      cql: cqlLimits(args),
      limits: brokerLimitsFrom(args),
      ports: {
        kafka: args['kafka-port'],
        schemaRegistry: args['schema-registry-port'],
        cassandra: args['cassandra-port'],
        s3: args['s3-port'],
        redis: args['redis-port'],
      },
      ksql: args.ksql ? { port: args['ksql-port'], cliMain } : undefined,
      host: args.host,
      security,
      logger,
    });
    let quality: AppProcess | undefined;
    try {
      if (args.input === 'clean')
        quality = await startQualityStage({
          cliMain,
          env: stack.env(),
          dataDir,
          // Absolute: the stage's working directory is up's, but its file watcher reports the path.
          rulesFile: args.rules === undefined ? undefined : resolve(args.rules),
          logger,
        });
    } catch (error) {
      await stack.close();
      throw error;
    }
    const env = { ...stack.env(), ...pipelineInputEnv(args.input) };
    const s3Keys = stack.secured
      ? 'one key pair per role: access key id = user name, secret = its password'
      : `access key id ${stack.s3AccessKeyId}, secret ${stack.s3SecretAccessKey}`;
    const lines = [
      'meterstream local stack is up:',
      `  Kafka            ${stack.kafkaBrokers}`,
      `  Schema Registry  ${stack.schemaRegistryUrl}`,
      `  Cassandra (CQL)  ${stack.cassandraContactPoint}`,
      `  S3               ${stack.s3Endpoint} (bucket ${config.s3.bucket}; ${s3Keys})`,
      `  Redis            ${stack.redisUrl ?? (args.redis ? 'not started (redis-server is not on the PATH; Debian: apt-get install redis-server)' : 'not started (--no-redis)')}`,
      `  ksqlDB (REST)    ${stack.ksqlUrl ?? 'not started (--no-ksql)'}${stack.ksqlUrl ? '   — `meterstream ksql` opens a prompt on it' : ''}`,
      quality
        ? `  Quality stage    metrics → metrics-clean (pid ${quality.pid}); the pipeline reads metrics-clean`
        : '  Quality stage    not started (--input raw): the pipeline reads metrics',
      ...(security
        ? [
            '',
            'Secured (Kafka SASL_SSL + ACLs, CQL PasswordAuthenticator over TLS, HTTPS + Basic auth, Redis ACL over TLS).',
            ...(generated || args['rotate-passwords']
              ? credentialsBanner(security)
              : [`Credentials: ${security.paths.credentials} (printed when generated).`]),
            'meterstream commands log in by themselves with METERSTREAM_DATA_DIR (or --data-dir) set as below.',
          ]
        : []),
      '',
      'Environment for other meterstream processes:',
      ...Object.entries(env).map(([k, v]) => `  export ${k}=${v}`),
      '',
      'Ctrl-C stops everything.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    onShutdownSignal(async () => {
      await quality?.close(); // before the broker, so it commits its last transaction
      await stack.close();
    });
    await new Promise(() => {}); // until a signal arrives
  },
};
