import type { EndpointKind } from './endpoint-unreachable.js';

type Args = Record<string, unknown>;

/** The shared configuration flags, grouped by what they configure. */
export const CONFIG_FLAG_GROUPS = {
  kafka: ['kafka-brokers', 'kafka-client-id', 'kafka-sasl-mechanism', 'kafka-sasl-username', 'kafka-tls-ca'],
  schemaRegistry: ['schema-registry-url', 'schema-registry-username'],
  cassandra: [
    'cassandra-contact-points',
    'cassandra-local-dc',
    'cassandra-keyspace',
    'cassandra-username',
    'cassandra-credentials-file',
    'cassandra-tls-ca',
  ],
  s3: [
    's3-endpoint',
    's3-bucket',
    's3-region',
    's3-access-key-id',
    's3-secret-access-key',
    's3-force-path-style',
  ],
  redis: ['redis-url', 'redis-username', 'redis-tls-ca'],
  /** What the embedded S3 server takes: its bucket, region and the one key pair it accepts. */
  s3Server: ['s3-bucket', 's3-region', 's3-access-key-id', 's3-secret-access-key'],
  /** The data directory; on a stack started with `up --secure`, also where a process finds its login. */
  dataDir: ['data-dir', 'role'],
  /** Every command logs. */
  logging: ['log-level', 'log-format'],
} as const;
export type ConfigFlagGroup = keyof typeof CONFIG_FLAG_GROUPS;

export interface CommandEndpoints {
  /** The flag groups its help shows (logging always); the other shared flags are accepted, not shown. */
  help: readonly ConfigFlagGroup[];
  /**
   * The servers it cannot start without, given its parsed arguments, checked before it runs. The
   * Schema Registry is listed only where a command needs it to start: the consumers of `metrics`
   * look schemas up per record and report a missing registry as a dead letter or an error naming it.
   */
  check: (args: Args) => EndpointKind[];
}

const none = () => [];

/** Each command path (`sink redis`) that takes the shared flags: what it shows and what it needs. */
export const COMMAND_ENDPOINTS: Record<string, CommandEndpoints> = {
  up: { help: ['s3Server', 'dataDir'], check: none },
  broker: { help: ['dataDir'], check: none },
  'cql-server': { help: ['dataDir'], check: none },
  's3-server': { help: ['s3Server', 'dataDir'], check: none },
  'topics create': { help: ['kafka'], check: () => ['kafka'] },
  replay: {
    help: ['kafka', 'schemaRegistry'],
    check: (args) => (args.format === 'json' ? ['kafka'] : ['kafka', 'schemaRegistry']),
  },
  consume: { help: ['kafka', 'schemaRegistry'], check: () => ['kafka'] },
  aggregate: {
    help: ['kafka', 'schemaRegistry', 'redis', 'dataDir'],
    check: (args) => (args['state-store'] === 'redis' ? ['kafka', 'redis'] : ['kafka']),
  },
  quality: {
    help: ['kafka', 'schemaRegistry', 'redis', 'dataDir'],
    check: (args) => (args['state-store'] === 'redis' ? ['kafka', 'redis'] : ['kafka']),
  },
  'sink cassandra': { help: ['kafka', 'cassandra'], check: () => ['kafka', 'cassandra'] },
  'sink s3': { help: ['kafka', 'schemaRegistry', 's3'], check: () => ['kafka', 's3'] },
  'sink redis': { help: ['kafka', 'schemaRegistry', 'redis'], check: () => ['kafka', 'redis'] },
  batch: { help: ['kafka', 's3', 'cassandra'], check: () => ['kafka', 's3', 'cassandra'] },
  // Redis (series list, live view), Kafka (consumer lag) and S3 (raw readings) serve the dashboard
  // only: shown, not required.
  serve: { help: ['cassandra', 'redis', 'kafka', 's3'], check: () => ['cassandra'] },
  compact: { help: ['s3'], check: () => ['s3'] },
  vacuum: { help: ['s3'], check: () => ['s3'] },
  marts: {
    help: ['s3', 'cassandra', 'dataDir'],
    check: (args) => (args.cassandra === false ? ['s3'] : ['s3', 'cassandra']),
  },
  sql: { help: ['s3', 'dataDir'], check: (args) => (args.source === 's3' ? [] : ['s3']) },
  verify: { help: ['cassandra', 's3'], check: () => ['cassandra', 's3'] },
  query: { help: ['cassandra'], check: () => ['cassandra'] },
  'perf track': { help: ['kafka'], check: () => ['kafka'] },
  'ksql-server': {
    help: ['kafka', 'schemaRegistry', 'redis', 'dataDir'],
    check: (args) =>
      args['state-store'] === 'redis' ? ['kafka', 'schemaRegistry', 'redis'] : ['kafka', 'schemaRegistry'],
  },
};
