/**
 * The broker configs DescribeConfigs reports for this broker (resource type BROKER, name = its
 * node id): Kafka's names for the settings this broker actually has, with this broker's values.
 * Source is STATIC_BROKER_CONFIG where the value differs from Kafka 3.x's default (as if set in
 * server.properties), else DEFAULT_CONFIG. All are read-only: AlterConfigs changes topics only.
 */
import type { BrokerConfig } from './config.js';
import type { ConfigType } from './log/topic-config.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './log/topic-config.js';

export interface BrokerConfigDef {
  readonly type: ConfigType | 'PASSWORD';
  /** Kafka 3.x's default, or null where Kafka has none. */
  readonly kafkaDefault: string | null;
  readonly value: (cfg: BrokerConfig) => string;
}

const LONG_MAX = '9223372036854775807';

export const BROKER_CONFIGS: Readonly<Record<string, BrokerConfigDef>> = {
  'auto.create.topics.enable': {
    type: 'BOOLEAN',
    kafkaDefault: 'true',
    value: (c) => String(c.autoCreateTopics),
  },
  'allow.everyone.if.no.acl.found': {
    type: 'BOOLEAN',
    kafkaDefault: 'false',
    value: (c) => String(c.security.allowEveryoneIfNoAclFound),
  },
  // Kafka names the authorizer by class; "acl" here stands for its StandardAuthorizer.
  'authorizer.class.name': {
    type: 'STRING',
    kafkaDefault: '',
    value: (c) => (c.security.authorizer ? 'org.apache.kafka.metadata.authorizer.StandardAuthorizer' : ''),
  },
  'broker.id': { type: 'INT', kafkaDefault: '-1', value: (c) => String(c.nodeId) },
  'compression.type': { type: 'STRING', kafkaDefault: 'producer', value: () => 'producer' },
  'connections.max.idle.ms': {
    type: 'LONG',
    kafkaDefault: '600000',
    value: (c) => String(c.connectionsMaxIdleMs),
  },
  // One broker: every partition has exactly one replica.
  'connection.failed.authentication.delay.ms': {
    type: 'INT',
    kafkaDefault: '100',
    value: (c) => String(c.security.failedAuthenticationDelayMs),
  },
  'default.replication.factor': { type: 'INT', kafkaDefault: '1', value: () => '1' },
  'group.initial.rebalance.delay.ms': {
    type: 'INT',
    kafkaDefault: '3000',
    value: (c) => String(c.groupInitialRebalanceDelayMs),
  },
  'group.max.session.timeout.ms': {
    type: 'INT',
    kafkaDefault: '1800000',
    value: (c) => String(c.groupMaxSessionTimeoutMs),
  },
  'group.min.session.timeout.ms': {
    type: 'INT',
    kafkaDefault: '6000',
    value: (c) => String(c.groupMinSessionTimeoutMs),
  },
  'log.cleaner.delete.retention.ms': { type: 'LONG', kafkaDefault: '86400000', value: () => '0' },
  'log.cleanup.policy': { type: 'LIST', kafkaDefault: 'delete', value: () => 'delete' },
  'log.dirs': { type: 'STRING', kafkaDefault: null, value: (c) => c.dataDir },
  'log.message.timestamp.difference.max.ms': { type: 'LONG', kafkaDefault: LONG_MAX, value: () => LONG_MAX },
  'log.message.timestamp.type': { type: 'STRING', kafkaDefault: 'CreateTime', value: () => 'CreateTime' },
  'log.retention.bytes': { type: 'LONG', kafkaDefault: '-1', value: () => '-1' },
  // -1 = keep forever: replayed history from 2006 must not be deleted.
  // Kafka leaves log.retention.ms unset and derives 7 days from log.retention.hours=168.
  'log.retention.ms': { type: 'LONG', kafkaDefault: '604800000', value: (c) => String(c.logRetentionMs) },
  'log.segment.bytes': { type: 'INT', kafkaDefault: '1073741824', value: (c) => String(c.segmentBytes) },
  'max.connections': { type: 'INT', kafkaDefault: '2147483647', value: (c) => String(c.maxConnections) },
  'max.connections.per.ip': {
    type: 'INT',
    kafkaDefault: '2147483647',
    value: (c) => String(c.maxConnectionsPerIp),
  },
  'message.max.bytes': {
    type: 'INT',
    kafkaDefault: String(DEFAULT_MAX_MESSAGE_BYTES),
    value: () => String(DEFAULT_MAX_MESSAGE_BYTES),
  },
  'min.insync.replicas': { type: 'INT', kafkaDefault: '1', value: () => '1' },
  'node.id': { type: 'INT', kafkaDefault: '-1', value: (c) => String(c.nodeId) },
  'num.partitions': { type: 'INT', kafkaDefault: '1', value: (c) => String(c.defaultPartitions) },
  'sasl.enabled.mechanisms': {
    type: 'LIST',
    kafkaDefault: 'GSSAPI',
    value: (c) => c.security.saslEnabledMechanisms.join(','),
  },
  'socket.request.max.bytes': {
    type: 'INT',
    kafkaDefault: '104857600',
    value: (c) => String(c.maxFrameBytes),
  },
  'super.users': { type: 'STRING', kafkaDefault: null, value: (c) => [...c.security.superUsers].join(';') },
};

export const BROKER_CONFIG_NAMES: readonly string[] = Object.keys(BROKER_CONFIGS).sort();
