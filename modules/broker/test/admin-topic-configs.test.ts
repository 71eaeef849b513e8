import { resolve } from 'node:path';
import { type Admin, ConfigResourceTypes, ConfigSource, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { run } from './helpers/processes.js';

/** Every topic config Kafka 3.9 documents (its TopicConfig / LogConfig), written out here. */
const KAFKA_TOPIC_CONFIGS = [
  'cleanup.policy',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.type',
  'compression.zstd.level',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.downconversion.enable',
  'message.format.version',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.difference.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
  'remote.storage.enable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
];

/** A valid non-default value for each, as a user would set it. */
const SAMPLE_VALUES: Record<string, string> = {
  'cleanup.policy': 'compact,delete',
  'compression.gzip.level': '5',
  'compression.lz4.level': '4',
  'compression.type': 'gzip',
  'compression.zstd.level': '7',
  'delete.retention.ms': '1000',
  'file.delete.delay.ms': '5000',
  'flush.messages': '100',
  'flush.ms': '1000',
  'follower.replication.throttled.replicas': '0:0',
  'index.interval.bytes': '8192',
  'leader.replication.throttled.replicas': '*',
  'local.retention.bytes': '-2',
  'local.retention.ms': '-2',
  'max.compaction.lag.ms': '86400000',
  'max.message.bytes': '2000000',
  'message.downconversion.enable': 'false',
  'message.format.version': '2.8',
  'message.timestamp.after.max.ms': '3600000',
  'message.timestamp.before.max.ms': '3600000',
  'message.timestamp.difference.max.ms': '3600000',
  'message.timestamp.type': 'CreateTime',
  'min.cleanable.dirty.ratio': '0.25',
  'min.compaction.lag.ms': '100',
  'min.insync.replicas': '1',
  preallocate: 'true',
  'remote.log.copy.disable': 'false',
  'remote.log.delete.on.disable': 'false',
  'remote.storage.enable': 'false',
  'retention.bytes': '1048576',
  'retention.ms': '86400000',
  'segment.bytes': '1048576',
  'segment.index.bytes': '4096',
  'segment.jitter.ms': '10',
  'segment.ms': '3600000',
  'unclean.leader.election.enable': 'true',
};

interface Entry {
  configName: string;
  configValue: string;
  configSource: number;
  isDefault: boolean;
  readOnly: boolean;
  isSensitive: boolean;
  configSynonyms: { configName: string; configValue: string; configSource: number }[];
}

describe('topic and broker configs', () => {
  let b: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  beforeAll(async () => {
    b = await startTestBroker({ defaultPartitions: 2 });
    kafka = kafkaClient(b.bootstrap);
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await b.close();
  });

  const describeTopic = async (topic: string, includeSynonyms: boolean, configNames?: string[]) => {
    const r = await admin.describeConfigs({
      includeSynonyms,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames }],
    });
    return r.resources[0].configEntries as unknown as Entry[];
  };
  const createError = async (topic: string, name: string, value: string) => {
    const err = await admin
      .createTopics({ topics: [{ topic, configEntries: [{ name, value }] }] })
      .catch((e: unknown) => e);
    return ((err as { errors?: { type?: string }[] }).errors ?? []).map((e) => e.type);
  };

  it('accepts every Kafka topic config and describes it back as a topic override', async () => {
    expect(Object.keys(SAMPLE_VALUES).sort()).toEqual(KAFKA_TOPIC_CONFIGS);
    await admin.createTopics({
      topics: [
        {
          topic: 'cfg-all',
          configEntries: Object.entries(SAMPLE_VALUES).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    const entries = await describeTopic('cfg-all', false);
    expect(entries.map((e) => e.configName)).toEqual(KAFKA_TOPIC_CONFIGS);
    for (const e of entries) {
      expect(e, e.configName).toMatchObject({
        configValue: SAMPLE_VALUES[e.configName],
        configSource: ConfigSource.TOPIC_CONFIG,
        isDefault: false,
        readOnly: false,
        isSensitive: false,
        configSynonyms: [],
      });
    }
  });

  it('refuses unknown keys and invalid values with INVALID_CONFIG, as Kafka validates them', async () => {
    expect(await createError('cfg-bad', 'no.such.config', '1')).toEqual(['INVALID_CONFIG']);
    for (const [name, value] of [
      ['retention.ms', '-5'],
      ['min.cleanable.dirty.ratio', '1.5'],
      ['unclean.leader.election.enable', 'maybe'],
      ['message.timestamp.difference.max.ms', '-1'],
      ['message.timestamp.type', 'WallClock'],
      ['compression.type', 'brotli'],
      ['cleanup.policy', 'compact,forever'],
      ['leader.replication.throttled.replicas', 'broker-0'],
      ['segment.index.bytes', '2'],
      ['max.message.bytes', '4294967296'],
      ['remote.storage.enable', 'true'],
    ]) {
      expect(await createError('cfg-bad', name, value), `${name}=${value}`).toEqual(['INVALID_CONFIG']);
    }
    // min.compaction.lag.ms above max.compaction.lag.ms conflicts
    const err = await admin
      .createTopics({
        topics: [
          {
            topic: 'cfg-bad',
            configEntries: [
              { name: 'min.compaction.lag.ms', value: '2000' },
              { name: 'max.compaction.lag.ms', value: '1000' },
            ],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(((err as { errors?: { type?: string }[] }).errors ?? []).map((e) => e.type)).toEqual([
      'INVALID_CONFIG',
    ]);
    expect(await admin.listTopics()).not.toContain('cfg-bad');
  });

  it('describes defaults with Kafka values and sources, synonyms only when asked', async () => {
    await admin.createTopics({
      topics: [{ topic: 'cfg-defaults', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    const plain = Object.fromEntries(
      (await describeTopic('cfg-defaults', false)).map((e) => [e.configName, e]),
    );
    expect(Object.keys(plain)).toEqual(KAFKA_TOPIC_CONFIGS);
    expect(Object.values(plain).every((e) => e.configSynonyms.length === 0)).toBe(true);
    // Kafka's defaults, source DEFAULT_CONFIG
    const kafkaDefaults: Record<string, string> = {
      'segment.ms': '604800000',
      'flush.ms': '9223372036854775807',
      'min.cleanable.dirty.ratio': '0.5',
      'message.format.version': '3.0-IV1',
      'unclean.leader.election.enable': 'false',
      'message.timestamp.difference.max.ms': '9223372036854775807',
      'max.message.bytes': '1048588',
      'segment.index.bytes': '10485760',
      'compression.type': 'producer',
    };
    for (const [name, value] of Object.entries(kafkaDefaults)) {
      expect(plain[name], name).toMatchObject({
        configValue: value,
        configSource: ConfigSource.DEFAULT_CONFIG,
        isDefault: true,
      });
    }
    // this broker's own settings: forever retention, its segment size, tombstones dropped at once
    expect(plain['retention.ms']).toMatchObject({
      configValue: '-1',
      configSource: ConfigSource.STATIC_BROKER_CONFIG,
    });
    expect(plain['segment.bytes']).toMatchObject({
      configValue: String(64 * 1024 * 1024),
      configSource: ConfigSource.STATIC_BROKER_CONFIG,
    });
    expect(plain['cleanup.policy']).toMatchObject({
      configValue: 'compact',
      configSource: ConfigSource.TOPIC_CONFIG,
    });

    const withSynonyms = Object.fromEntries(
      (
        await describeTopic('cfg-defaults', true, [
          'compression.type',
          'retention.ms',
          'segment.ms',
          'cleanup.policy',
        ])
      ).map((e) => [e.configName, e.configSynonyms]),
    );
    expect(withSynonyms).toEqual({
      'cleanup.policy': [
        { configName: 'cleanup.policy', configValue: 'compact', configSource: ConfigSource.TOPIC_CONFIG },
        {
          configName: 'log.cleanup.policy',
          configValue: 'delete',
          configSource: ConfigSource.DEFAULT_CONFIG,
        },
      ],
      'compression.type': [
        {
          configName: 'compression.type',
          configValue: 'producer',
          configSource: ConfigSource.DEFAULT_CONFIG,
        },
      ],
      'retention.ms': [
        {
          configName: 'log.retention.ms',
          configValue: '-1',
          configSource: ConfigSource.STATIC_BROKER_CONFIG,
        },
      ],
      // Kafka's log.roll.ms has no default of its own: no synonym
      'segment.ms': [],
    });
  });

  it('describes the broker: default.replication.factor and num.partitions, in order', async () => {
    const r = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: '0',
          configNames: ['default.replication.factor', 'num.partitions'],
        },
      ],
    });
    const entries = r.resources[0].configEntries as unknown as Entry[];
    expect(entries.map((e) => [e.configName, e.configValue, e.readOnly])).toEqual([
      ['default.replication.factor', '1', true],
      ['num.partitions', '2', true],
    ]);
    expect(entries[1].configSource).toBe(ConfigSource.STATIC_BROKER_CONFIG);
  });

  it('librdkafka (confluent_kafka admin) creates with the timestamp window and describes topic and broker', async () => {
    const script = resolve(import.meta.dirname, 'fixtures/librdkafka-admin.py');
    const r = await run('/usr/bin/python3', [script, b.bootstrap, 'configs', 'rd-cfg'], undefined, 60_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.create).toEqual({ error: null });
    expect(Object.keys(out.described.topic).sort()).toEqual(KAFKA_TOPIC_CONFIGS);
    expect(out.described.topic['message.timestamp.difference.max.ms']).toEqual({
      value: '60000',
      source: ConfigSource.TOPIC_CONFIG,
      is_default: false,
      read_only: false,
    });
    expect(out.described.topic['flush.ms']).toMatchObject({ value: '9223372036854775807', is_default: true });
    expect(out.described.broker['default.replication.factor']).toMatchObject({ value: '1', read_only: true });
  });
});

describe('a broker configured with Kafka retention and segment size (logRetentionMs, segmentBytes)', () => {
  it('describes retention.ms and segment.bytes as Kafka defaults, with Kafka synonyms, and acts on them', async () => {
    const b = await startTestBroker({ logRetentionMs: 604_800_000, segmentBytes: 1_073_741_824 });
    const admin = kafkaClient(b.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'kafka-like' }] });
      const r = await admin.describeConfigs({
        includeSynonyms: true,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: 'kafka-like',
            configNames: ['retention.ms', 'segment.bytes', 'compression.type'],
          },
        ],
      });
      const entries = r.resources[0].configEntries as unknown as Entry[];
      expect(entries.map((e) => [e.configName, e.configValue, e.configSource, e.configSynonyms])).toEqual([
        [
          'compression.type',
          'producer',
          ConfigSource.DEFAULT_CONFIG,
          [
            {
              configName: 'compression.type',
              configValue: 'producer',
              configSource: ConfigSource.DEFAULT_CONFIG,
            },
          ],
        ],
        ['retention.ms', '604800000', ConfigSource.DEFAULT_CONFIG, []],
        [
          'segment.bytes',
          '1073741824',
          ConfigSource.DEFAULT_CONFIG,
          [
            {
              configName: 'log.segment.bytes',
              configValue: '1073741824',
              configSource: ConfigSource.DEFAULT_CONFIG,
            },
          ],
        ],
      ]);
      // the log uses the broker-level retention: a week
      expect(b.broker.topics.get('kafka-like')?.effective.retentionMs).toBe(604_800_000);
    } finally {
      await admin.disconnect();
      await b.close();
    }
  });
});
