/**
 * Topic-level configuration: the keys this broker acts on, their defaults, and validation.
 * Unknown keys are refused (INVALID_CONFIG) so typos do not pass silently.
 */
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export interface TopicConfigDef {
  readonly defaultValue: (segmentBytes: number) => string;
  readonly validate: (v: string) => boolean;
  readonly type: 'LONG' | 'INT' | 'STRING' | 'LIST';
}

const isLong = (v: string) => /^-?\d+$/.test(v);

/** Kafka's default max.message.bytes: the largest record batch a produce may append. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export const TOPIC_CONFIGS: Record<string, TopicConfigDef> = {
  // -1 = keep forever (the default here: replayed history from 2006 must survive)
  'retention.ms': { defaultValue: () => '-1', validate: isLong, type: 'LONG' },
  'retention.bytes': { defaultValue: () => '-1', validate: isLong, type: 'LONG' },
  'cleanup.policy': {
    defaultValue: () => 'delete',
    validate: (v) => v.split(',').every((p) => p.trim() === 'delete' || p.trim() === 'compact'),
    type: 'LIST',
  },
  'segment.bytes': {
    defaultValue: (s) => String(s),
    validate: (v) => isLong(v) && Number(v) >= 1024,
    type: 'INT',
  },
  'min.compaction.lag.ms': { defaultValue: () => '0', validate: isLong, type: 'LONG' },
  'delete.retention.ms': { defaultValue: () => '0', validate: isLong, type: 'LONG' },
  'max.message.bytes': {
    defaultValue: () => String(DEFAULT_MAX_MESSAGE_BYTES),
    validate: isLong,
    type: 'INT',
  },
  'message.timestamp.type': {
    defaultValue: () => 'CreateTime',
    validate: (v) => v === 'CreateTime' || v === 'LogAppendTime',
    type: 'STRING',
  },
  'compression.type': { defaultValue: () => 'producer', validate: () => true, type: 'STRING' },
  'min.insync.replicas': { defaultValue: () => '1', validate: isLong, type: 'INT' },
};

export function validateTopicConfig(topic: string, key: string, value: string | null): void {
  const def = TOPIC_CONFIGS[key];
  if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `topic ${topic}: unknown config ${key}`);
  if (value !== null && !def.validate(value)) {
    throw new KafkaError(ErrorCode.INVALID_CONFIG, `topic ${topic}: invalid value ${value} for ${key}`);
  }
}

export interface EffectiveTopicConfig {
  retentionMs: number;
  retentionBytes: number;
  compact: boolean;
  deleteOld: boolean;
  segmentBytes: number;
}

export function effectiveConfig(
  overrides: Record<string, string>,
  brokerSegmentBytes: number,
): EffectiveTopicConfig {
  const get = (k: string) => overrides[k] ?? TOPIC_CONFIGS[k].defaultValue(brokerSegmentBytes);
  const policies = get('cleanup.policy')
    .split(',')
    .map((p) => p.trim());
  return {
    retentionMs: Number(get('retention.ms')),
    retentionBytes: Number(get('retention.bytes')),
    compact: policies.includes('compact'),
    deleteOld: policies.includes('delete'),
    segmentBytes: Number(get('segment.bytes')),
  };
}
