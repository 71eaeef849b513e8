import { CASSANDRA_PASSWORD_ENV } from './cassandra-credentials.js';
import { KAFKA_SASL_MECHANISMS, type KafkaSaslMechanism } from './secure-stack.js';

/** The option table of `loadConfig` (config.ts): every setting's flag, variable, default, parser. */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
/** `auto`: pretty on a terminal, JSON lines otherwise. */
export type LogFormat = (typeof LOG_FORMATS)[number];

type Parser<T> = (text: string) => T;

export interface OptionSpec<T> {
  /** CLI flag without dashes. */
  flag: string;
  env: string;
  describe: string;
  /** Defaults point at the embedded local stack on 127.0.0.1. */
  default: string;
  parse: Parser<T>;
}

function fail(reason: string): never {
  throw new Error(reason);
}

const hostPort: Parser<string> = (text) => {
  const match = /^([A-Za-z0-9_.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(text);
  if (!match) fail(`expected host:port, got ${JSON.stringify(text)}`);
  const port = Number(match[2]);
  if (port < 1 || port > 65535) fail(`port out of range in ${JSON.stringify(text)}`);
  return text;
};

const hostPortList: Parser<string[]> = (text) => {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) fail('expected at least one host:port');
  return items.map(hostPort);
};

const hostList: Parser<string[]> = (text) => {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) fail('expected at least one host');
  for (const item of items)
    if (!/^[A-Za-z0-9_.:[\]-]+$/.test(item)) fail(`invalid host ${JSON.stringify(item)}`);
  return items;
};

function url(protocols: string[]): Parser<string> {
  return (text) => {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      fail(`expected a URL, got ${JSON.stringify(text)}`);
    }
    if (!protocols.includes(parsed.protocol)) {
      fail(`expected a ${protocols.join(' or ')} URL, got ${JSON.stringify(text)}`);
    }
    return text.replace(/\/+$/, '');
  };
}

/** `none` switches an optional endpoint off. */
function optional<T>(parse: Parser<T>): Parser<T | null> {
  return (text) => (text === 'none' || text === '' ? null : parse(text));
}

const nonEmpty: Parser<string> = (text) => (text.trim() ? text : fail('must not be empty'));
const identifier: Parser<string> = (text) =>
  /^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(text)
    ? text
    : fail(`expected a CQL identifier, got ${JSON.stringify(text)}`);
const bool: Parser<boolean> = (text) =>
  ['true', '1', 'yes'].includes(text)
    ? true
    : ['false', '0', 'no'].includes(text)
      ? false
      : fail('expected true or false');
const logLevel: Parser<LogLevel> = (text) =>
  (LOG_LEVELS as readonly string[]).includes(text)
    ? (text as LogLevel)
    : fail(`expected one of ${LOG_LEVELS.join(', ')}`);
const logFormat: Parser<LogFormat> = (text) =>
  (LOG_FORMATS as readonly string[]).includes(text)
    ? (text as LogFormat)
    : fail(`expected one of ${LOG_FORMATS.join(', ')}`);

/** Environment variables holding passwords (deliberately no flags: `ps` shows flags). */
export const KAFKA_PASSWORD_ENV = 'METERSTREAM_KAFKA_SASL_PASSWORD';
export const REGISTRY_PASSWORD_ENV = 'METERSTREAM_SCHEMA_REGISTRY_PASSWORD';

function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

/** The option table: one row per setting, its flag, environment variable, default and parser. */
export const CONFIG_OPTIONS = {
  kafkaBrokers: option({
    flag: 'kafka-brokers',
    env: 'METERSTREAM_KAFKA_BROKERS',
    describe: 'Kafka bootstrap servers, comma-separated host:port',
    default: '127.0.0.1:9092',
    parse: hostPortList,
  }),
  kafkaClientId: option({
    flag: 'kafka-client-id',
    env: 'METERSTREAM_KAFKA_CLIENT_ID',
    describe: 'Kafka client id',
    default: 'meterstream',
    parse: nonEmpty,
  }),
  kafkaSaslMechanism: option({
    flag: 'kafka-sasl-mechanism',
    env: 'METERSTREAM_KAFKA_SASL_MECHANISM',
    describe: `Kafka SASL mechanism (${KAFKA_SASL_MECHANISMS.join(', ')}; "none": no SASL)`,
    default: 'none',
    parse: optional((text) =>
      (KAFKA_SASL_MECHANISMS as readonly string[]).includes(text.toLowerCase())
        ? (text.toLowerCase() as KafkaSaslMechanism)
        : fail(`expected one of ${KAFKA_SASL_MECHANISMS.join(', ')}`),
    ),
  }),
  kafkaSaslUsername: option({
    flag: 'kafka-sasl-username',
    env: 'METERSTREAM_KAFKA_SASL_USERNAME',
    describe: `Kafka SASL user; the password comes from ${KAFKA_PASSWORD_ENV}, never a flag ("none": no login)`,
    default: 'none',
    parse: optional(nonEmpty),
  }),
  kafkaTlsCa: option({
    flag: 'kafka-tls-ca',
    env: 'METERSTREAM_KAFKA_TLS_CA',
    describe: "PEM file of the CA of the brokers' certificates: connect with TLS ('none': plain TCP)",
    default: 'none',
    parse: optional(nonEmpty),
  }),
  schemaRegistryUrl: option({
    flag: 'schema-registry-url',
    env: 'METERSTREAM_SCHEMA_REGISTRY_URL',
    describe: 'Schema Registry URL ("none": plain Avro without Confluent framing)',
    default: 'http://127.0.0.1:8081',
    parse: optional(url(['http:', 'https:'])),
  }),
  schemaRegistryUsername: option({
    flag: 'schema-registry-username',
    env: 'METERSTREAM_SCHEMA_REGISTRY_USERNAME',
    describe: `Schema Registry Basic auth user; the password comes from ${REGISTRY_PASSWORD_ENV} ("none": no auth)`,
    default: 'none',
    parse: optional(nonEmpty),
  }),
  cassandraContactPoints: option({
    flag: 'cassandra-contact-points',
    env: 'METERSTREAM_CASSANDRA_CONTACT_POINTS',
    describe: 'Cassandra contact points, comma-separated host or host:port',
    default: '127.0.0.1:9042',
    parse: hostList,
  }),
  cassandraLocalDataCenter: option({
    flag: 'cassandra-local-dc',
    env: 'METERSTREAM_CASSANDRA_LOCAL_DC',
    describe: 'Cassandra local data centre',
    default: 'datacenter1',
    parse: nonEmpty,
  }),
  cassandraKeyspace: option({
    flag: 'cassandra-keyspace',
    env: 'METERSTREAM_CASSANDRA_KEYSPACE',
    describe: 'Cassandra keyspace',
    default: 'metrics',
    parse: identifier,
  }),
  cassandraUsername: option({
    flag: 'cassandra-username',
    env: 'METERSTREAM_CASSANDRA_USERNAME',
    describe: `Cassandra login (PasswordAuthenticator); the password comes from --cassandra-credentials-file or ${CASSANDRA_PASSWORD_ENV}, never a flag ("none": no login)`,
    default: 'none',
    parse: optional(nonEmpty),
  }),
  cassandraCredentialsFile: option({
    flag: 'cassandra-credentials-file',
    env: 'METERSTREAM_CASSANDRA_CREDENTIALS_FILE',
    describe:
      'File with password=… (and optionally username=…) lines for the Cassandra login ("none": no file)',
    default: 'none',
    parse: optional(nonEmpty),
  }),
  cassandraTlsCa: option({
    flag: 'cassandra-tls-ca',
    env: 'METERSTREAM_CASSANDRA_TLS_CA',
    describe: "PEM file of the CA of Cassandra's certificate: connect with TLS ('none': plain TCP)",
    default: 'none',
    parse: optional(nonEmpty),
  }),
  s3Endpoint: option({
    flag: 's3-endpoint',
    env: 'METERSTREAM_S3_ENDPOINT',
    describe: 'S3 endpoint URL ("none": the AWS default endpoint of the region)',
    default: 'http://127.0.0.1:9000',
    parse: optional(url(['http:', 'https:'])),
  }),
  s3Bucket: option({
    flag: 's3-bucket',
    env: 'METERSTREAM_S3_BUCKET',
    describe: 'S3 bucket of the data lake',
    default: 'meterstream',
    parse: (text) =>
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(text)
        ? text
        : fail(`invalid bucket name ${JSON.stringify(text)}`),
  }),
  s3Region: option({
    flag: 's3-region',
    env: 'METERSTREAM_S3_REGION',
    describe: 'S3 region',
    default: 'us-east-1',
    parse: nonEmpty,
  }),
  s3AccessKeyId: option({
    flag: 's3-access-key-id',
    env: 'METERSTREAM_S3_ACCESS_KEY_ID',
    describe: "S3 access key id (default: the embedded S3 server's pair)",
    default: 'meterstream',
    parse: nonEmpty,
  }),
  s3SecretAccessKey: option({
    flag: 's3-secret-access-key',
    env: 'METERSTREAM_S3_SECRET_ACCESS_KEY',
    describe: 'S3 secret access key',
    default: 'meterstream-secret',
    parse: nonEmpty,
  }),
  s3ForcePathStyle: option({
    flag: 's3-force-path-style',
    env: 'METERSTREAM_S3_FORCE_PATH_STYLE',
    describe: 'Use path-style S3 URLs (needed by MinIO and the embedded S3 server)',
    default: 'true',
    parse: bool,
  }),
  redisUrl: option({
    flag: 'redis-url',
    env: 'METERSTREAM_REDIS_URL',
    describe: 'Redis URL',
    default: 'redis://127.0.0.1:6379',
    parse: url(['redis:', 'rediss:']),
  }),
  redisUsername: option({
    flag: 'redis-username',
    env: 'METERSTREAM_REDIS_USERNAME',
    describe: 'Redis ACL user name (with --redis-password)',
    default: '',
    parse: optional(nonEmpty),
  }),
  redisPassword: option({
    flag: 'redis-password',
    env: 'METERSTREAM_REDIS_PASSWORD',
    describe: 'Redis password (prefer the environment variable: a flag shows in ps)',
    default: '',
    parse: optional(nonEmpty),
  }),
  redisTlsCa: option({
    flag: 'redis-tls-ca',
    env: 'METERSTREAM_REDIS_TLS_CA',
    describe:
      "PEM file of the CA of Redis' certificate: connect with TLS ('none': as the URL says, rediss:// is TLS)",
    default: 'none',
    parse: optional(nonEmpty),
  }),
  dataDir: option({
    flag: 'data-dir',
    env: 'METERSTREAM_DATA_DIR',
    describe: 'Directory for local data (embedded servers, checkpoints)',
    default: './data',
    parse: nonEmpty,
  }),
  role: option({
    flag: 'role',
    env: 'METERSTREAM_ROLE',
    describe:
      'On a stack started with `up --secure` (its <data-dir>/security/stack.json): the user of credentials.json to act as ("auto": the command\'s role)',
    default: 'auto',
    parse: nonEmpty,
  }),
  logLevel: option({
    flag: 'log-level',
    env: 'METERSTREAM_LOG_LEVEL',
    describe: 'Log level',
    default: 'info',
    parse: logLevel,
  }),
  logFormat: option({
    flag: 'log-format',
    env: 'METERSTREAM_LOG_FORMAT',
    describe: 'Log format: pretty (for people), json (JSON lines), auto (pretty on a terminal, else json)',
    default: 'auto',
    parse: logFormat,
  }),
} as const;
