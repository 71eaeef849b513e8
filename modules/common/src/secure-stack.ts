import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors.js';

/**
 * What `meterstream up --secure` leaves in `<dataDir>/security/` for the other meterstream
 * processes: `stack.json` (no secrets: the endpoints and how to authenticate) beside the bundle's
 * `credentials.json` (one user per application role) and `ca.crt`. A process whose data directory
 * holds them logs in as its role's user with no other setting: `--data-dir` (or
 * METERSTREAM_DATA_DIR) is the one thing a user adds to the commands of the README.
 */
export interface SecureStackProfile {
  /** SASL mechanism of the broker's SASL_SSL listener (kafkajs' name). */
  kafkaSaslMechanism: KafkaSaslMechanism;
  /** The running stack's METERSTREAM_* endpoint variables (no secrets); flags and env win. */
  endpoints: Record<string, string>;
}

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
export const KAFKA_SASL_MECHANISMS: readonly KafkaSaslMechanism[] = [
  'plain',
  'scram-sha-256',
  'scram-sha-512',
];

export interface SecureStack {
  profile: SecureStackProfile;
  /** The user this process acts as, and its password. */
  user: { username: string; password: string };
  /** PEM file of the stack's CA (Kafka and CQL speak TLS). */
  caFile: string;
  /** The profile file, for messages. */
  file: string;
}

export function secureStackFiles(dataDir: string): { profile: string; credentials: string; caFile: string } {
  const dir = join(dataDir, 'security');
  return {
    profile: join(dir, 'stack.json'),
    credentials: join(dir, 'credentials.json'),
    caFile: join(dir, 'ca.crt'),
  };
}

/**
 * The bundle user each command acts as (README "Security"): the least the command needs. Operator
 * tools (topics, consume, perf, …) act as admin.
 */
const COMMAND_ROLES: Record<string, string> = {
  replay: 'replay',
  aggregate: 'aggregator',
  quality: 'aggregator',
  'sink cassandra': 'writer',
  'sink redis': 'writer',
  'sink s3': 'sink',
  batch: 'batch',
  compact: 'batch',
  vacuum: 'batch',
  marts: 'batch',
  sql: 'batch',
  serve: 'serving',
  query: 'serving',
  verify: 'serving',
  ksql: 'ksql',
  'ksql-server': 'ksql',
};

/** Commands that start servers: they take their security from flags, never log in as a client. */
const SERVER_COMMANDS = new Set(['up', 'broker', 'cql-server', 's3-server']);

/**
 * The role of a command path as yargs gives it (`argv._`, e.g. ['sink', 'cassandra']); null for
 * the server commands.
 */
export function roleForCommand(commandPath: readonly unknown[] | undefined): string | null {
  const words = (commandPath ?? []).map(String);
  if (SERVER_COMMANDS.has(words[0] ?? '')) return null;
  return COMMAND_ROLES[words.slice(0, 2).join(' ')] ?? COMMAND_ROLES[words[0] ?? ''] ?? 'admin';
}

/**
 * The secured stack of `dataDir` as seen by a process acting as `role`, or undefined when the
 * directory holds no `security/stack.json` (the stack is not secured). Refuses credentials that
 * group or others may read, as the bundle itself does.
 */
export function readSecureStack(dataDir: string, role: string): SecureStack | undefined {
  const files = secureStackFiles(dataDir);
  let profileText: string;
  try {
    profileText = readFileSync(files.profile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError('--data-dir', files.profile, `cannot read it: ${(error as Error).message}`);
  }
  const profile = parseProfile(profileText, files.profile);
  let mode: number;
  try {
    mode = statSync(files.credentials).mode;
  } catch (error) {
    throw new ConfigError(
      '--data-dir',
      files.credentials,
      `a secured stack needs it: ${(error as Error).message}`,
    );
  }
  if ((mode & 0o077) !== 0)
    throw new ConfigError('--data-dir', files.credentials, 'group or others may read it; chmod 600 it');
  let users: { username?: unknown; password?: unknown }[];
  try {
    users = (JSON.parse(readFileSync(files.credentials, 'utf8')) as { users: typeof users }).users;
    if (!Array.isArray(users)) throw new Error('expected {"users": [...]}');
  } catch (error) {
    throw new ConfigError('--data-dir', files.credentials, (error as Error).message);
  }
  const user = users.find((u) => u.username === role);
  if (!user || typeof user.password !== 'string')
    throw new ConfigError(
      '--role',
      files.credentials,
      `no user ${JSON.stringify(role)} in it (users: ${users.map((u) => String(u.username)).join(', ')})`,
    );
  return {
    profile,
    user: { username: role, password: user.password },
    caFile: files.caFile,
    file: files.profile,
  };
}

function parseProfile(text: string, file: string): SecureStackProfile {
  let value: Partial<SecureStackProfile>;
  try {
    value = JSON.parse(text) as Partial<SecureStackProfile>;
  } catch (error) {
    throw new ConfigError('--data-dir', file, `not JSON: ${(error as Error).message}`);
  }
  if (!KAFKA_SASL_MECHANISMS.includes(value.kafkaSaslMechanism as KafkaSaslMechanism))
    throw new ConfigError(
      '--data-dir',
      file,
      `kafkaSaslMechanism must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}`,
    );
  const endpoints = value.endpoints ?? {};
  if (typeof endpoints !== 'object' || Object.values(endpoints).some((v) => typeof v !== 'string'))
    throw new ConfigError('--data-dir', file, 'endpoints must map variable names to strings');
  return { kafkaSaslMechanism: value.kafkaSaslMechanism as KafkaSaslMechanism, endpoints };
}
