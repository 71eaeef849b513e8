#!/usr/bin/env node
/**
 * meterstream-broker — runs the embedded Kafka-protocol broker as a process.
 *
 *   meterstream-broker --port 9092 --data-dir ./data/kafka [--host 127.0.0.1]
 *     [--metrics-port 9404] [--default-partitions 1] [--fsync fsync|write]
 *     [--schema-registry-port 8081|0|off] [--log-retention-ms -1] [--log-segment-bytes N]
 *     [limits, see LIMIT_FLAGS / --help]
 *
 * Prints one JSON line {"event":"listening","port":...} on stdout once ready (tests and the stack
 * launcher wait for it), and shuts down cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startBroker } from './start.js';
import { readCredentialsFile } from '@meterstream/security';
import { startSchemaRegistry } from './schema-registry/index.js';
import type { BrokerOptions, FsyncPolicy } from './config.js';
import type { SchemaRegistryOptions } from './schema-registry/index.js';
import type { SecurityOptions, SecurityProtocol } from './security/security-config.js';
import { parseUsersFile } from './security/users-file.js';

/** Limit flags: Kafka's setting names where Kafka has one; unset = the documented default. */
const LIMIT_FLAGS = {
  'max-connections': 'maxConnections',
  'max-connections-per-ip': 'maxConnectionsPerIp',
  'connections-max-idle-ms': 'connectionsMaxIdleMs',
  'socket-request-max-bytes': 'maxFrameBytes',
  'max-partitions': 'maxPartitions',
  'max-partitions-per-request': 'maxPartitionsPerRequest',
  'max-open-segment-files': 'maxOpenSegmentFiles',
} as const satisfies Record<string, keyof BrokerOptions>;
const REGISTRY_LIMIT_FLAGS = {
  'schema-registry-max-body-bytes': 'maxBodyBytes',
  'schema-registry-max-schema-bytes': 'maxSchemaBytes',
} as const satisfies Record<string, keyof SchemaRegistryOptions>;

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '9092' },
    'data-dir': { type: 'string', default: './data/kafka' },
    'metrics-port': { type: 'string' },
    'default-partitions': { type: 'string', default: '1' },
    fsync: { type: 'string', default: 'fsync' },
    // Kafka's broker-level defaults of the topics' retention.ms and segment.bytes.
    'log-retention-ms': { type: 'string', default: '-1' },
    'log-segment-bytes': { type: 'string' },
    'transaction-partition-verification-enable': { type: 'string', default: 'true' },
    // The Schema Registry REST API runs beside the broker unless turned off; 0 picks a free port.
    'schema-registry-port': { type: 'string', default: '8081' },
    // Basic auth on the registry: a credentials file ({"users":[…]}, e.g. a security bundle's).
    'schema-registry-credentials': {
      type: 'string',
      default: process.env.METERSTREAM_SCHEMA_REGISTRY_CREDENTIALS,
    },
    ...Object.fromEntries(
      [...Object.keys(LIMIT_FLAGS), ...Object.keys(REGISTRY_LIMIT_FLAGS)].map((f) => [
        f,
        { type: 'string' as const },
      ]),
    ),
    // Security (Kafka's names; README "Security"). Passwords never go on the command line.
    'security-protocol': { type: 'string', default: 'PLAINTEXT' },
    'sasl-enabled-mechanisms': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'super-users': { type: 'string' },
    authorizer: { type: 'string', default: 'none' },
    'allow-everyone-if-no-acl-found': { type: 'string', default: 'false' },
    'sasl-users-file': { type: 'string' },
    'connection-failed-authentication-delay-ms': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

/** The integer value of a limit flag, or undefined when not given; exits on anything else. */
function intFlag(flag: string): number | undefined {
  const text = (values as Record<string, string | boolean | undefined>)[flag];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (typeof text !== 'string' || !Number.isInteger(n) || n < 1) {
    process.stderr.write(`--${flag} must be a positive integer, not ${String(text)}\n`);
    process.exit(2);
  }
  return n;
}
const limits: Partial<BrokerOptions> = {};
for (const [flag, option] of Object.entries(LIMIT_FLAGS)) limits[option] = intFlag(flag);
const registryLimits: Partial<SchemaRegistryOptions> = {
  // the connection limits hold for each listener (counted separately)
  maxConnections: limits.maxConnections,
  maxConnectionsPerIp: limits.maxConnectionsPerIp,
  connectionsMaxIdleMs: limits.connectionsMaxIdleMs,
};
for (const [flag, option] of Object.entries(REGISTRY_LIMIT_FLAGS)) registryLimits[option] = intFlag(flag);

if (values.help) {
  process.stdout.write(
    'meterstream-broker --port 9092 --data-dir ./data/kafka [--host 127.0.0.1] [--metrics-port N]\n' +
      '  [--default-partitions 1] [--fsync fsync|write] [--schema-registry-port 8081|0|off]\n' +
      '  [--schema-registry-credentials FILE (or $METERSTREAM_SCHEMA_REGISTRY_CREDENTIALS): Basic auth]\n' +
      '  [--log-retention-ms -1] [--log-segment-bytes 67108864]\n' +
      '  [--transaction-partition-verification-enable true|false] (Kafka 3.6+ default true; false = Kafka <= 3.5)\n' +
      '  [--security-protocol PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL] [--tls-cert cert.pem --tls-key key.pem]\n' +
      '  [--sasl-enabled-mechanisms PLAIN,SCRAM-SHA-256,SCRAM-SHA-512] [--sasl-users-file users.txt]\n' +
      '  [--authorizer acl|none] [--super-users "User:admin;User:ops"] [--allow-everyone-if-no-acl-found false]\n' +
      '  [--connection-failed-authentication-delay-ms 100]\n' +
      '  (users also from $METERSTREAM_SASL_USERS: user:password lines)\n' +
      `  limits (see the README for defaults): ${[...Object.keys(LIMIT_FLAGS), ...Object.keys(REGISTRY_LIMIT_FLAGS)].map((f) => `--${f} N`).join(' ')}\n` +
      '  --fsync: records are readable (Fetch, ListOffsets) once written to the OS, whatever the acks;\n' +
      '    acks=0 gets no answer, acks=1 is answered after the write (survives a broker SIGKILL, a power\n' +
      '    loss may take it back), acks=-1 after the write and an fsync under `fsync` (survives a power\n' +
      '    loss), after the write only under `write`.\n',
  );
  process.exit(0);
}

const fsync = values.fsync as FsyncPolicy;
if (fsync !== 'fsync' && fsync !== 'write') {
  process.stderr.write(`--fsync must be fsync or write, not ${values.fsync}\n`);
  process.exit(2);
}

const verification = values['transaction-partition-verification-enable'];
if (verification !== 'true' && verification !== 'false') {
  process.stderr.write(
    `--transaction-partition-verification-enable must be true or false, not ${verification}\n`,
  );
  process.exit(2);
}

const allowEveryone = values['allow-everyone-if-no-acl-found'];
if (allowEveryone !== 'true' && allowEveryone !== 'false') {
  process.stderr.write(`--allow-everyone-if-no-acl-found must be true or false, not ${allowEveryone}\n`);
  process.exit(2);
}
let envUsers: { user: string; password: string }[] = [];
if (process.env.METERSTREAM_SASL_USERS) {
  try {
    envUsers = parseUsersFile(process.env.METERSTREAM_SASL_USERS, 'METERSTREAM_SASL_USERS');
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}
const security: SecurityOptions = {
  securityProtocol: values['security-protocol'] as SecurityProtocol,
  saslEnabledMechanisms: values['sasl-enabled-mechanisms']?.split(',').map((m) => m.trim()),
  tlsCertFile: values['tls-cert'],
  tlsKeyFile: values['tls-key'],
  // Kafka separates super.users with semicolons
  superUsers: values['super-users']
    ?.split(';')
    .map((u) => u.trim())
    .filter((u) => u !== ''),
  authorizer: values.authorizer as 'acl' | 'none',
  allowEveryoneIfNoAclFound: allowEveryone === 'true',
  saslUsersFile: values['sasl-users-file'],
  saslUsers: envUsers,
  failedAuthenticationDelayMs:
    values['connection-failed-authentication-delay-ms'] === undefined
      ? undefined
      : Number(values['connection-failed-authentication-delay-ms']),
};

let running: Awaited<ReturnType<typeof startBroker>>;
try {
  running = await startBroker({
    host: values.host,
    port: Number(values.port),
    dataDir: values['data-dir']!,
    metricsPort: values['metrics-port'] === undefined ? undefined : Number(values['metrics-port']),
    defaultPartitions: Number(values['default-partitions']),
    fsyncPolicy: fsync,
    logRetentionMs: Number(values['log-retention-ms']),
    segmentBytes: intFlag('log-segment-bytes'),
    transactionPartitionVerification: verification === 'true',
    ...limits,
    ...security,
  });
} catch (err) {
  process.stderr.write(`broker failed to start: ${(err as Error).message}\n`);
  process.exit(2);
}
let registry: Awaited<ReturnType<typeof startSchemaRegistry>> | undefined;
if (values['schema-registry-port'] !== 'off') {
  const registryPort = Number(values['schema-registry-port']);
  try {
    if (!Number.isInteger(registryPort) || registryPort < 0 || registryPort > 65535) {
      throw new Error(
        `--schema-registry-port must be a port number or "off", not ${values['schema-registry-port']}`,
      );
    }
    registry = await startSchemaRegistry({
      host: values.host,
      port: registryPort,
      dataDir: `${values['data-dir']}/schema-registry`,
      logger: running.broker.logger,
      ...registryLimits,
      users: values['schema-registry-credentials']
        ? await readCredentialsFile(values['schema-registry-credentials'])
        : undefined,
    });
  } catch (err) {
    process.stderr.write(`schema registry failed to start: ${(err as Error).message}\n`);
    await running.close();
    process.exit(2);
  }
}
process.stdout.write(
  `${JSON.stringify({ event: 'listening', host: running.host, port: running.port, metricsPort: running.metricsPort, schemaRegistryPort: registry?.port })}\n`,
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  running.broker.logger.info({ signal }, 'shutting down');
  await registry?.close();
  await running.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
