import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes, ConfigSource, type Admin } from 'kafkajs';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';

describe('admin API through kafkajs', () => {
  let b: TestBroker;
  let admin: Admin;
  beforeAll(async () => {
    b = await startTestBroker({ defaultPartitions: 2 });
    admin = kafkaClient(b.bootstrap).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await b.close();
  });

  it('creates, lists and deletes topics; refuses duplicates', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'a1', numPartitions: 3 }, { topic: 'a2' }] })).toBe(
      true,
    );
    expect((await admin.listTopics()).sort()).toEqual(expect.arrayContaining(['a1', 'a2']));
    // kafkajs answers false when every topic already exists
    expect(await admin.createTopics({ topics: [{ topic: 'a1', numPartitions: 3 }] })).toBe(false);
    const meta = await admin.fetchTopicMetadata({ topics: ['a1', 'a2'] });
    const counts = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]));
    expect(counts).toEqual({ a1: 3, a2: 2 });
    expect(meta.topics[0].partitions.every((p) => p.leader === 0 && p.replicas.length === 1)).toBe(true);
    await admin.deleteTopics({ topics: ['a2'] });
    expect(await admin.listTopics()).not.toContain('a2');
    await expect(admin.deleteTopics({ topics: ['never-existed'] })).rejects.toThrow();
  });

  it('refuses invalid topics and replication factors', async () => {
    const bad = await admin.createTopics({ topics: [{ topic: 'bad name!' }] }).catch((e: unknown) => e);
    expect(errorTypes(bad)).toEqual(['INVALID_TOPIC_EXCEPTION']);
    const rf = await admin
      .createTopics({ topics: [{ topic: 'rf3', replicationFactor: 3 }] })
      .catch((e: unknown) => e);
    expect(errorTypes(rf)).toEqual(['INVALID_REPLICATION_FACTOR']);
  });

  it('adds partitions and never shrinks', async () => {
    await admin.createTopics({ topics: [{ topic: 'grow', numPartitions: 1 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 4 }] });
    const meta = await admin.fetchTopicMetadata({ topics: ['grow'] });
    expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 2 }] }),
    ).rejects.toThrow();
  });

  it('reports offsets (latest, earliest, by timestamp) and deletes records', async () => {
    await admin.createTopics({ topics: [{ topic: 'offs', numPartitions: 1 }] });
    const producer = kafkaClient(b.bootstrap).producer();
    await producer.connect();
    const t0 = Date.now();
    await producer.send({
      topic: 'offs',
      messages: [1, 2, 3].map((i) => ({ value: `v${i}`, timestamp: String(t0 + i) })),
    });
    await producer.send({ topic: 'offs', messages: [{ value: 'late', timestamp: String(t0 + 1000) }] });
    await producer.disconnect();
    expect(await admin.fetchTopicOffsets('offs')).toEqual([
      { partition: 0, offset: '4', high: '4', low: '0' },
    ]);
    const byTime = await admin.fetchTopicOffsetsByTimestamp('offs', t0 + 500);
    expect(byTime).toEqual([{ partition: 0, offset: '3' }]);
    // inside a batch: the first record at or after the time, not the batch start
    expect(await admin.fetchTopicOffsetsByTimestamp('offs', t0 + 2)).toEqual([{ partition: 0, offset: '1' }]);
    await admin.deleteTopicRecords({ topic: 'offs', partitions: [{ partition: 0, offset: '2' }] });
    expect(await admin.fetchTopicOffsets('offs')).toEqual([
      { partition: 0, offset: '4', high: '4', low: '2' },
    ]);
  });

  it('describes and alters topic configs', async () => {
    await admin.createTopics({
      topics: [{ topic: 'cfg', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg' }],
    });
    const entries = Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, e]));
    expect(entries['cleanup.policy'].configValue).toBe('compact');
    expect(entries['cleanup.policy'].isDefault).toBe(false);
    // forever retention is this broker's own setting (log.retention.ms=-1), not Kafka's default
    expect(entries['retention.ms'].configValue).toBe('-1');
    expect(entries['retention.ms'].configSource).toBe(ConfigSource.STATIC_BROKER_CONFIG);
    expect(entries['compression.type'].isDefault).toBe(true);

    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'cfg',
          configEntries: [{ name: 'retention.ms', value: '60000' }],
        },
      ],
    });
    const after = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'cfg', configNames: ['retention.ms', 'cleanup.policy'] },
      ],
    });
    const values = Object.fromEntries(
      after.resources[0].configEntries.map((e) => [e.configName, e.configValue]),
    );
    // AlterConfigs replaces the whole set: cleanup.policy falls back to its default
    expect(values).toEqual({ 'retention.ms': '60000', 'cleanup.policy': 'delete' });

    await expect(
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: 'cfg',
            configEntries: [{ name: 'no.such.config', value: '1' }],
          },
        ],
      }),
    ).rejects.toThrow();
  });

  it('auto-creates topics on first produce with the default partition count', async () => {
    const producer = kafkaClient(b.bootstrap).producer();
    await producer.connect();
    await producer.send({ topic: 'auto-made', messages: [{ value: 'x' }] });
    await producer.disconnect();
    const meta = await admin.fetchTopicMetadata({ topics: ['auto-made'] });
    expect(meta.topics[0].partitions.length).toBe(2);
  });
});

/** The Kafka error types inside a kafkajs aggregate error. */
function errorTypes(err: unknown): string[] {
  const errors = (err as { errors?: { type?: string }[] }).errors ?? [];
  return errors.map((e) => e.type ?? '?');
}
