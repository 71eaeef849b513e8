import { readFileSync } from 'node:fs';
import {
  CASSANDRA_PASSWORD_ENV,
  type CassandraCredentials,
  resolveCassandraCredentials,
} from './cassandra-credentials.js';
import {
  CONFIG_OPTIONS,
  KAFKA_PASSWORD_ENV,
  type LogFormat,
  type LogLevel,
  type OptionSpec,
  REGISTRY_PASSWORD_ENV,
} from './config-options.js';
import { ConfigError } from './errors.js';
import { setHttpCredentials } from './http-credentials.js';
import { trustStackCa } from './http-trust.js';
import {
  type KafkaSaslMechanism,
  readSecureStack,
  roleForCommand,
  type SecureStack,
} from './secure-stack.js';

export * from './config-options.js';

/** Everything a meterstream process needs to reach the rest of the stack. */
export interface MeterstreamConfig {
  kafka: {
    brokers: string[];
    clientId: string;
    /** SASL login (SASL_PLAINTEXT / SASL_SSL listeners); absent: none. */
    sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
    /** PEM file of the CA of the brokers' certificates; present: connect with TLS. */
    tlsCaFile?: string;
  };
  /** null: plain Avro without Confluent framing. */
  schemaRegistryUrl: string | null;
  /** Basic auth of the Schema Registry; absent: none. */
  schemaRegistryAuth?: { username: string; password: string };
  /**
   * The user of `<dataDir>/security/credentials.json` this process acts as, when its data
   * directory holds a stack started with `meterstream up --secure`; absent otherwise.
   */
  securityUser?: string;
  cassandra: {
    contactPoints: string[];
    localDataCenter: string;
    keyspace: string;
    /** Login for PasswordAuthenticator; absent: no authentication. */
    credentials?: CassandraCredentials;
    /** PEM file of the CA that signed the server's certificate; present: connect with TLS. */
    tlsCaFile?: string;
  };
  s3: {
    endpoint: string | null;
    bucket: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: boolean;
  };
  redisUrl: string;
  /**
   * Redis ACL user and password (a server started with an ACL file); absent or null: none, or
   * whatever `redisUrl` carries (`redis://user:password@host:port`). Pass `redisAuthOptions(config)`
   * to ioredis.
   */
  redisAuth?: {
    username: string | null;
    password: string | null;
    /** PEM file of the CA of the server's certificate; present: connect with TLS trusting it. */
    tlsCaFile?: string;
  };
  dataDir: string;
  logLevel: LogLevel;
  /** Absent in configs built by hand: `auto`. */
  logFormat?: LogFormat;
}

type OptionKey = keyof typeof CONFIG_OPTIONS;
type Values = { [K in OptionKey]: ReturnType<(typeof CONFIG_OPTIONS)[K]['parse']> };

/** yargs option definitions for every setting (no yargs defaults: precedence is resolved here). */
export function configYargsOptions(): Record<string, { type: 'string'; describe: string; group: string }> {
  const options: Record<string, { type: 'string'; describe: string; group: string }> = {};
  for (const spec of Object.values(CONFIG_OPTIONS)) {
    options[spec.flag] = {
      type: 'string',
      describe: `${spec.describe} [env ${spec.env}] (default ${spec.default})`,
      group: 'Endpoints:',
    };
  }
  return options;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function optionalCassandraSecurity(
  v: Values,
  env: Record<string, string | undefined>,
): { credentials?: CassandraCredentials; tlsCaFile?: string } {
  const credentials = resolveCassandraCredentials(v.cassandraUsername, v.cassandraCredentialsFile, env);
  return {
    ...(credentials ? { credentials } : {}),
    ...(v.cassandraTlsCa ? { tlsCaFile: v.cassandraTlsCa } : {}),
  };
}

/**
 * Resolves every setting with the precedence flag > environment variable > default. `argv` is what
 * yargs parsed (kebab or camel case keys both work). Throws ConfigError naming the option, where
 * the bad value came from and why it is invalid.
 *
 * When the data directory holds a stack started with `meterstream up --secure`
 * (`<data-dir>/security/stack.json`, see secure-stack.ts), its endpoints come between the
 * environment and the defaults, and what the user did not set of the logins is filled in with the
 * user of the command's role (`argv._`, or `--role`). The Schema Registry's login is recorded for
 * the process's registry clients (http-credentials.ts).
 */
export function loadConfig(
  argv: Record<string, unknown> = {},
  env: Record<string, string | undefined> = process.env,
): MeterstreamConfig {
  const given = (spec: OptionSpec<unknown>): { text: string; origin: string } | undefined => {
    const flagValue = argv[spec.flag] ?? argv[camel(spec.flag)];
    if (flagValue !== undefined && flagValue !== null)
      return { text: String(flagValue), origin: `--${spec.flag}` };
    if (env[spec.env] !== undefined)
      return { text: env[spec.env]!, origin: `environment variable ${spec.env}` };
    return undefined;
  };
  const stack = secureStackOf(given, argv);
  const values = {} as Record<OptionKey, unknown>;
  /** Options the user set (flag or environment): a secured stack's profile never overrides them. */
  const explicit = new Set<OptionKey>();
  for (const [key, spec] of Object.entries(CONFIG_OPTIONS) as [OptionKey, OptionSpec<unknown>][]) {
    const set = given(spec);
    const fromStack = stack?.profile.endpoints[spec.env];
    let text: string;
    let origin: string;
    if (set) {
      ({ text, origin } = set);
      explicit.add(key);
    } else if (fromStack !== undefined) {
      text = fromStack;
      origin = stack!.file;
    } else {
      text = spec.default;
      origin = 'default';
    }
    try {
      values[key] = spec.parse(text.trim());
    } catch (error) {
      throw new ConfigError(`--${spec.flag}`, origin, (error as Error).message);
    }
  }
  const v = values as Values;
  const config: MeterstreamConfig = {
    kafka: { brokers: v.kafkaBrokers, clientId: v.kafkaClientId, ...kafkaLogin(v, env) },
    schemaRegistryUrl: v.schemaRegistryUrl,
    ...registryAuth(v, env),
    cassandra: {
      contactPoints: v.cassandraContactPoints,
      localDataCenter: v.cassandraLocalDataCenter,
      keyspace: v.cassandraKeyspace,
      ...optionalCassandraSecurity(v, env),
    },
    s3: {
      endpoint: v.s3Endpoint,
      bucket: v.s3Bucket,
      region: v.s3Region,
      accessKeyId: v.s3AccessKeyId,
      secretAccessKey: v.s3SecretAccessKey,
      forcePathStyle: v.s3ForcePathStyle,
    },
    redisUrl: v.redisUrl,
    redisAuth: {
      username: v.redisUsername,
      password: v.redisPassword,
      ...(v.redisTlsCa ? { tlsCaFile: v.redisTlsCa } : {}),
    },
    dataDir: v.dataDir,
    logLevel: v.logLevel,
    logFormat: v.logFormat,
  };
  if (stack) applySecureStack(config, stack, explicit, env);
  if (stack) trustStackCa(stack.caFile, [config.schemaRegistryUrl, config.s3.endpoint]);
  if (config.schemaRegistryUrl) setHttpCredentials(config.schemaRegistryUrl, config.schemaRegistryAuth);
  return config;
}

/** The secured stack of the configured data directory (`up --secure`), if it is one. */
function secureStackOf(
  given: (spec: OptionSpec<unknown>) => { text: string; origin: string } | undefined,
  argv: Record<string, unknown>,
): (SecureStack & { role: string }) | undefined {
  const dataDir = given(CONFIG_OPTIONS.dataDir)?.text.trim() || CONFIG_OPTIONS.dataDir.default;
  const asked = given(CONFIG_OPTIONS.role)?.text.trim() || 'auto';
  const role = asked === 'auto' ? roleForCommand(argv._ as unknown[] | undefined) : asked;
  if (role === null) return undefined;
  const stack = readSecureStack(dataDir, role);
  return stack && { ...stack, role };
}

function kafkaLogin(v: Values, env: Record<string, string | undefined>): Partial<MeterstreamConfig['kafka']> {
  const password = env[KAFKA_PASSWORD_ENV] || undefined;
  if (v.kafkaSaslUsername && !password)
    throw new ConfigError(
      '--kafka-sasl-username',
      'configuration',
      `a Kafka SASL user needs ${KAFKA_PASSWORD_ENV}`,
    );
  return {
    ...(v.kafkaSaslUsername && password
      ? {
          sasl: {
            mechanism: v.kafkaSaslMechanism ?? 'scram-sha-512',
            username: v.kafkaSaslUsername,
            password,
          },
        }
      : {}),
    ...(v.kafkaTlsCa ? { tlsCaFile: v.kafkaTlsCa } : {}),
  };
}

function registryAuth(
  v: Values,
  env: Record<string, string | undefined>,
): Pick<MeterstreamConfig, 'schemaRegistryAuth'> {
  const password = env[REGISTRY_PASSWORD_ENV] || undefined;
  if (v.schemaRegistryUsername && !password)
    throw new ConfigError(
      '--schema-registry-username',
      'configuration',
      `a Schema Registry user needs ${REGISTRY_PASSWORD_ENV}`,
    );
  return v.schemaRegistryUsername && password
    ? { schemaRegistryAuth: { username: v.schemaRegistryUsername, password } }
    : {};
}

/**
 * Fills in what the user did not set with the secured stack's: its role's login on Kafka (SASL
 * over TLS), the Schema Registry, Cassandra (over TLS), S3 (the role's key pair) and Redis.
 */
function applySecureStack(
  config: MeterstreamConfig,
  stack: SecureStack & { role: string },
  explicit: ReadonlySet<OptionKey>,
  env: Record<string, string | undefined>,
): void {
  const { username, password } = stack.user;
  config.securityUser = username;
  if (!explicit.has('kafkaSaslUsername'))
    config.kafka.sasl = {
      mechanism: config.kafka.sasl?.mechanism ?? stack.profile.kafkaSaslMechanism,
      username,
      password,
    };
  if (!explicit.has('kafkaTlsCa')) config.kafka.tlsCaFile = stack.caFile;
  if (!explicit.has('schemaRegistryUsername')) config.schemaRegistryAuth = { username, password };
  const cassandraSet =
    explicit.has('cassandraUsername') ||
    explicit.has('cassandraCredentialsFile') ||
    !!env[CASSANDRA_PASSWORD_ENV];
  if (!cassandraSet) config.cassandra.credentials = { username, password };
  if (!explicit.has('cassandraTlsCa')) config.cassandra.tlsCaFile = stack.caFile;
  if (!explicit.has('s3AccessKeyId') && !explicit.has('s3SecretAccessKey'))
    config.s3 = { ...config.s3, accessKeyId: username, secretAccessKey: password };
  const redisTls = config.redisAuth?.tlsCaFile;
  if (!explicit.has('redisUsername') && !explicit.has('redisPassword'))
    config.redisAuth = { username, password, ...(redisTls ? { tlsCaFile: redisTls } : {}) };
  // the stack's Redis speaks TLS (rediss://); a plain redis:// URL the user gave is left alone
  if (!explicit.has('redisTlsCa') && config.redisUrl.startsWith('rediss:'))
    config.redisAuth = { username: null, password: null, ...config.redisAuth, tlsCaFile: stack.caFile };
}

/**
 * ioredis options carrying the configured Redis user and password (none when not configured) and,
 * with a CA file, TLS trusting that CA (a `rediss://` URL alone gets TLS with the system's CAs).
 */
export function redisAuthOptions(config: Pick<MeterstreamConfig, 'redisAuth'>): {
  username?: string;
  password?: string;
  tls?: { ca: string[] };
} {
  const auth = config.redisAuth;
  return {
    ...(auth?.username ? { username: auth.username } : {}),
    ...(auth?.password ? { password: auth.password } : {}),
    ...(auth?.tlsCaFile ? { tls: { ca: [readRedisCa(auth.tlsCaFile)] } } : {}),
  };
}

function readRedisCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('--redis-tls-ca', file, `cannot read it: ${(error as Error).message}`);
  }
}
