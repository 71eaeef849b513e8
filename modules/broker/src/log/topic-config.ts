/**
 * Topic-level configuration: the one table of every topic config Kafka 3.x documents (the set of
 * Kafka 3.9's LogConfig), with Kafka's types, defaults, validation ranges and broker-level synonyms
 * (ServerTopicConfigSynonyms), what this broker does with each, and the broker-level defaults in
 * which this broker deliberately differs from Kafka. DescribeConfigs, CreateTopics and AlterConfigs
 * read it; `effectiveConfig` turns a topic's overrides into the settings the log acts on.
 *
 * Acted on: retention.ms, retention.bytes, cleanup.policy, segment.bytes, segment.ms, max.message.bytes,
 * message.timestamp.type (LogAppendTime stamps each batch), message.timestamp.before/after.max.ms
 * and the older message.timestamp.difference.max.ms (INVALID_TIMESTAMP). Every other key is
 * validated, stored and described, but changes nothing (one broker, no replication, no tiered
 * storage, our own flush policy). Unknown keys are refused (INVALID_CONFIG) so typos do not pass.
 */
import type { BrokerConfig } from '../config.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'LONG' | 'DOUBLE' | 'LIST';

export interface TopicConfigDef {
  readonly type: ConfigType;
  /** Kafka 3.x's default value, as DescribeConfigs prints it. */
  readonly kafkaDefault: string;
  /**
   * The broker config this topic config falls back on in Kafka (the first of its synonyms), and
   * whether Kafka defines a default for that broker config — Kafka lists the broker synonym in
   * DescribeConfigs' synonyms only then (log.retention.ms, log.roll.ms, … have none).
   */
  readonly broker?: { readonly name: string; readonly hasDefault: boolean };
  /**
   * This broker's own broker-level value where it differs from Kafka's default (described with
   * source STATIC_BROKER_CONFIG, like a server.properties setting).
   */
  readonly brokerValue?: (cfg: BrokerConfig) => string;
  /** Why a value is refused (Kafka's ConfigException wording), or null when it is valid. */
  readonly check?: (v: string) => string | null;
  /** Whether this broker acts on the setting (false: stored and described only). */
  readonly enforced: boolean;
}

const LONG_MAX = '9223372036854775807';
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** Kafka's default max.message.bytes: the largest record batch a produce may append. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

function numberCheck(type: 'INT' | 'LONG', min?: number, max?: number) {
  return (v: string): string | null => {
    const t = v.trim();
    if (!/^[-+]?\d+$/.test(t))
      return `Expected value to be a ${type === 'INT' ? '32-bit integer' : '64-bit integer'}, but it was a ${JSON.stringify(v)}`;
    const n = BigInt(t);
    const [lo, hi] = type === 'INT' ? [BigInt(INT_MIN), BigInt(INT_MAX)] : [-(2n ** 63n), 2n ** 63n - 1n];
    if (n < lo || n > hi)
      return `Expected value to be a ${type === 'INT' ? '32-bit' : '64-bit'} integer, but it was out of range`;
    if (min !== undefined && n < BigInt(min)) return `Value must be at least ${min}`;
    if (max !== undefined && n > BigInt(max)) return `Value must be no more than ${max}`;
    return null;
  };
}
const int = (min?: number, max?: number) => numberCheck('INT', min, max);
const long = (min?: number, max?: number) => numberCheck('LONG', min, max);
const bool = (v: string) =>
  /^(true|false)$/i.test(v.trim()) ? null : 'Expected value to be either true or false';
const oneOf =
  (...allowed: string[]) =>
  (v: string) =>
    allowed.includes(v.trim()) ? null : `String must be one of: ${allowed.join(', ')}`;
const listOf =
  (...allowed: string[]) =>
  (v: string) => {
    const items = v.split(',').map((s) => s.trim());
    const bad = items.find((s) => !allowed.includes(s));
    return bad === undefined ? null : `String must be one of: ${allowed.join(', ')}`;
  };
/** Kafka's ThrottledReplicaListValidator: "*" or a list of partitionId:brokerId. */
const throttledReplicas = (v: string) => {
  const t = v.trim();
  if (t === '*' || t === '') return null;
  return t.split(',').every((e) => /^\d+:\d+$/.test(e.trim()))
    ? null
    : "Must be the wildcard (*) or of the form 'PartitionId:BrokerId,PartitionId:BrokerId'";
};
const ratio = (v: string) => {
  const n = Number(v.trim());
  if (v.trim() === '' || Number.isNaN(n))
    return `Expected value to be a double, but it was a ${JSON.stringify(v)}`;
  return n >= 0 && n <= 1 ? null : 'Value must be no less than 0.0 and no more than 1.0';
};
/** MetadataVersionValidator: a Kafka version such as 2.8, 3.0-IV1, 0.10.2. */
const kafkaVersion = (v: string) =>
  /^\d+\.\d+(\.\d+)?(-IV\d+)?$/.test(v.trim()) ? null : `Version ${v} is not a valid version`;

const logPrefixed = (name: string, hasDefault = true) => ({ name: `log.${name}`, hasDefault });

export const TOPIC_CONFIGS: Readonly<Record<string, TopicConfigDef>> = {
  'cleanup.policy': {
    type: 'LIST',
    kafkaDefault: 'delete',
    broker: logPrefixed('cleanup.policy'),
    check: listOf('compact', 'delete'),
    enforced: true,
  },
  'compression.gzip.level': {
    type: 'INT',
    kafkaDefault: '-1',
    broker: { name: 'compression.gzip.level', hasDefault: true },
    check: (v) => (int(-1, -1)(v) === null ? null : int(1, 9)(v)),
    enforced: false,
  },
  'compression.lz4.level': {
    type: 'INT',
    kafkaDefault: '9',
    broker: { name: 'compression.lz4.level', hasDefault: true },
    check: int(1, 17),
    enforced: false,
  },
  'compression.type': {
    type: 'STRING',
    kafkaDefault: 'producer',
    broker: { name: 'compression.type', hasDefault: true },
    check: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
    enforced: false,
  },
  'compression.zstd.level': {
    type: 'INT',
    kafkaDefault: '3',
    broker: { name: 'compression.zstd.level', hasDefault: true },
    check: int(-131072, 22),
    enforced: false,
  },
  // Compaction here drops tombstones at once: the broker-level value says so.
  'delete.retention.ms': {
    type: 'LONG',
    kafkaDefault: '86400000',
    broker: { name: 'log.cleaner.delete.retention.ms', hasDefault: true },
    brokerValue: () => '0',
    check: long(0),
    enforced: false,
  },
  'file.delete.delay.ms': {
    type: 'LONG',
    kafkaDefault: '60000',
    broker: logPrefixed('segment.delete.delay.ms'),
    check: long(0),
    enforced: false,
  },
  'flush.messages': {
    type: 'LONG',
    kafkaDefault: LONG_MAX,
    broker: logPrefixed('flush.interval.messages'),
    check: long(1),
    enforced: false,
  },
  'flush.ms': {
    type: 'LONG',
    kafkaDefault: LONG_MAX,
    broker: logPrefixed('flush.interval.ms', false),
    check: long(0),
    enforced: false,
  },
  'follower.replication.throttled.replicas': {
    type: 'LIST',
    kafkaDefault: '',
    check: throttledReplicas,
    enforced: false,
  },
  'index.interval.bytes': {
    type: 'INT',
    kafkaDefault: '4096',
    broker: logPrefixed('index.interval.bytes'),
    check: int(0),
    enforced: false,
  },
  'leader.replication.throttled.replicas': {
    type: 'LIST',
    kafkaDefault: '',
    check: throttledReplicas,
    enforced: false,
  },
  'local.retention.bytes': {
    type: 'LONG',
    kafkaDefault: '-2',
    broker: logPrefixed('local.retention.bytes'),
    check: long(-2),
    enforced: false,
  },
  'local.retention.ms': {
    type: 'LONG',
    kafkaDefault: '-2',
    broker: logPrefixed('local.retention.ms'),
    check: long(-2),
    enforced: false,
  },
  'max.compaction.lag.ms': {
    type: 'LONG',
    kafkaDefault: LONG_MAX,
    broker: { name: 'log.cleaner.max.compaction.lag.ms', hasDefault: true },
    check: long(1),
    enforced: false,
  },
  'max.message.bytes': {
    type: 'INT',
    kafkaDefault: String(DEFAULT_MAX_MESSAGE_BYTES),
    broker: { name: 'message.max.bytes', hasDefault: true },
    check: int(0),
    enforced: true,
  },
  'message.downconversion.enable': {
    type: 'BOOLEAN',
    kafkaDefault: 'true',
    broker: logPrefixed('message.downconversion.enable'),
    check: bool,
    enforced: false,
  },
  'message.format.version': {
    type: 'STRING',
    kafkaDefault: '3.0-IV1',
    broker: logPrefixed('message.format.version'),
    check: kafkaVersion,
    enforced: false,
  },
  'message.timestamp.after.max.ms': {
    type: 'LONG',
    kafkaDefault: LONG_MAX,
    broker: logPrefixed('message.timestamp.after.max.ms'),
    check: long(0),
    enforced: true,
  },
  'message.timestamp.before.max.ms': {
    type: 'LONG',
    kafkaDefault: LONG_MAX,
    broker: logPrefixed('message.timestamp.before.max.ms'),
    check: long(0),
    enforced: true,
  },
  'message.timestamp.difference.max.ms': {
    type: 'LONG',
    kafkaDefault: LONG_MAX,
    broker: logPrefixed('message.timestamp.difference.max.ms'),
    check: long(0),
    enforced: true,
  },
  'message.timestamp.type': {
    type: 'STRING',
    kafkaDefault: 'CreateTime',
    broker: logPrefixed('message.timestamp.type'),
    check: oneOf('CreateTime', 'LogAppendTime'),
    enforced: true,
  },
  'min.cleanable.dirty.ratio': {
    type: 'DOUBLE',
    kafkaDefault: '0.5',
    broker: { name: 'log.cleaner.min.cleanable.ratio', hasDefault: true },
    check: ratio,
    enforced: true,
  },
  'min.compaction.lag.ms': {
    type: 'LONG',
    kafkaDefault: '0',
    broker: { name: 'log.cleaner.min.compaction.lag.ms', hasDefault: true },
    check: long(0),
    enforced: false,
  },
  'min.insync.replicas': {
    type: 'INT',
    kafkaDefault: '1',
    broker: { name: 'min.insync.replicas', hasDefault: true },
    check: int(1),
    enforced: false,
  },
  preallocate: {
    type: 'BOOLEAN',
    kafkaDefault: 'false',
    broker: logPrefixed('preallocate'),
    check: bool,
    enforced: false,
  },
  'remote.log.copy.disable': { type: 'BOOLEAN', kafkaDefault: 'false', check: bool, enforced: false },
  'remote.log.delete.on.disable': { type: 'BOOLEAN', kafkaDefault: 'false', check: bool, enforced: false },
  // No tiered storage here: Kafka refuses enabling it on a broker without remote storage too.
  'remote.storage.enable': {
    type: 'BOOLEAN',
    kafkaDefault: 'false',
    check: (v) =>
      bool(v) ??
      (v.trim().toLowerCase() === 'true'
        ? 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.'
        : null),
    enforced: false,
  },
  'retention.bytes': {
    type: 'LONG',
    kafkaDefault: '-1',
    broker: logPrefixed('retention.bytes'),
    check: long(),
    enforced: true,
  },
  // log.retention.ms (logRetentionMs) defaults to -1 = keep forever here: replayed history from
  // 2006 must not be deleted.
  'retention.ms': {
    type: 'LONG',
    kafkaDefault: '604800000',
    broker: logPrefixed('retention.ms', false),
    brokerValue: (cfg) => String(cfg.logRetentionMs),
    check: long(-1),
    enforced: true,
  },
  // Kafka allows 14 bytes; segments here hold at least a kilobyte (each one costs files).
  'segment.bytes': {
    type: 'INT',
    kafkaDefault: '1073741824',
    broker: logPrefixed('segment.bytes'),
    brokerValue: (cfg) => String(cfg.segmentBytes),
    check: int(1024),
    enforced: true,
  },
  'segment.index.bytes': {
    type: 'INT',
    kafkaDefault: '10485760',
    broker: logPrefixed('index.size.max.bytes'),
    check: int(4),
    enforced: false,
  },
  'segment.jitter.ms': {
    type: 'LONG',
    kafkaDefault: '0',
    broker: logPrefixed('roll.jitter.ms', false),
    check: long(0),
    enforced: false,
  },
  // Rolled at the cleanup pass, counted from when the segment was opened (see Segment.openedAt).
  'segment.ms': {
    type: 'LONG',
    kafkaDefault: '604800000',
    broker: logPrefixed('roll.ms', false),
    check: long(1),
    enforced: true,
  },
  'unclean.leader.election.enable': {
    type: 'BOOLEAN',
    kafkaDefault: 'false',
    broker: { name: 'unclean.leader.election.enable', hasDefault: true },
    check: bool,
    enforced: false,
  },
};

/** Config names in the order DescribeConfigs and CreateTopics list them (alphabetical). */
export const TOPIC_CONFIG_NAMES: readonly string[] = Object.keys(TOPIC_CONFIGS).sort();

/** The value a topic has without an override: this broker's setting, else Kafka's default. */
export function topicDefault(key: string, cfg: BrokerConfig): string {
  const def = TOPIC_CONFIGS[key];
  return def.brokerValue?.(cfg) ?? def.kafkaDefault;
}

/** Refuses (INVALID_CONFIG, with Kafka's wording) an unknown key or an invalid value. */
export function validateTopicConfig(_topic: string, key: string, value: string | null): void {
  const def = TOPIC_CONFIGS[key];
  if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${key}`);
  if (value === null) return;
  const reason = def.check?.(value) ?? null;
  if (reason !== null) {
    throw new KafkaError(
      ErrorCode.INVALID_CONFIG,
      `Invalid value ${value} for configuration ${key}: ${reason}`,
    );
  }
}

/** The checks across keys Kafka's LogConfig.validate makes on a topic's resulting overrides. */
export function validateTopicConfigSet(
  topic: string,
  overrides: Record<string, string>,
  cfg: BrokerConfig,
): void {
  const get = (k: string) => overrides[k] ?? topicDefault(k, cfg);
  const minLag = BigInt(get('min.compaction.lag.ms'));
  const maxLag = BigInt(get('max.compaction.lag.ms'));
  if (minLag > maxLag) {
    throw new KafkaError(
      ErrorCode.INVALID_CONFIG,
      `topic ${topic}: conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`,
    );
  }
}

export interface EffectiveTopicConfig {
  retentionMs: number;
  retentionBytes: number;
  compact: boolean;
  /** min.cleanable.dirty.ratio: compaction waits until this share of closed bytes is new. */
  minCleanableDirtyRatio: number;
  deleteOld: boolean;
  segmentBytes: number;
  segmentMs: number;
  maxMessageBytes: number;
  logAppendTime: boolean;
  /** How far before / after the broker's clock a CreateTime timestamp may be (Infinity = no bound). */
  timestampBeforeMaxMs: number;
  timestampAfterMaxMs: number;
}

export function effectiveConfig(overrides: Record<string, string>, cfg: BrokerConfig): EffectiveTopicConfig {
  const get = (k: string) => (overrides[k] ?? topicDefault(k, cfg)).trim();
  const policies = get('cleanup.policy')
    .split(',')
    .map((p) => p.trim());
  // Long.MAX_VALUE means "no bound"; Kafka 3.6+ uses difference.max.ms for a side whose own
  // setting is left at that default.
  const bound = (k: string) => (get(k) === LONG_MAX ? Number.POSITIVE_INFINITY : Number(get(k)));
  const difference = bound('message.timestamp.difference.max.ms');
  const before = bound('message.timestamp.before.max.ms');
  const after = bound('message.timestamp.after.max.ms');
  return {
    retentionMs: Number(get('retention.ms')),
    retentionBytes: Number(get('retention.bytes')),
    compact: policies.includes('compact'),
    minCleanableDirtyRatio: Number(get('min.cleanable.dirty.ratio')),
    deleteOld: policies.includes('delete'),
    segmentBytes: Number(get('segment.bytes')),
    segmentMs: Number(get('segment.ms')),
    maxMessageBytes: Number(get('max.message.bytes')),
    logAppendTime: get('message.timestamp.type') === 'LogAppendTime',
    timestampBeforeMaxMs: before === Number.POSITIVE_INFINITY ? difference : before,
    timestampAfterMaxMs: after === Number.POSITIVE_INFINITY ? difference : after,
  };
}
