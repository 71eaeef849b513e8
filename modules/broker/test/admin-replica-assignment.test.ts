import { resolve } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { run } from './helpers/processes.js';

/** Manual replica assignments naming brokers other than this one are refused. */
describe('manual replica assignments', () => {
  let b: TestBroker;
  let admin: Admin;
  beforeAll(async () => {
    b = await startTestBroker();
    admin = kafkaClient(b.bootstrap).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await b.close();
  });

  const partitionsOf = async (topic: string) =>
    (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions
      .map((p) => p.partitionId)
      .sort();

  it('kafkajs createPartitions: an assignment to a missing broker is INVALID_REPLICA_ASSIGNMENT, nothing added', async () => {
    await admin.createTopics({ topics: [{ topic: 'cp-assign', numPartitions: 1 }] });
    const err = await admin
      .createPartitions({ topicPartitions: [{ topic: 'cp-assign', count: 2, assignments: [[10]] }] })
      .catch((e: unknown) => e);
    expect((err as { type?: string }).type).toBe('INVALID_REPLICA_ASSIGNMENT');
    expect(await partitionsOf('cp-assign')).toEqual([0]);
    // the same broker twice, and fewer assignments than new partitions
    for (const topicPartitions of [
      [{ topic: 'cp-assign', count: 2, assignments: [[0, 0]] }],
      [{ topic: 'cp-assign', count: 3, assignments: [[0]] }],
    ]) {
      const e = await admin.createPartitions({ topicPartitions }).catch((x: unknown) => x);
      expect((e as { type?: string }).type).toBe('INVALID_REPLICA_ASSIGNMENT');
    }
    expect(await partitionsOf('cp-assign')).toEqual([0]);
    // an assignment to this broker is accepted
    await admin.createPartitions({
      topicPartitions: [{ topic: 'cp-assign', count: 3, assignments: [[0], [0]] }],
    });
    expect(await partitionsOf('cp-assign')).toEqual([0, 1, 2]);
  });

  it('kafkajs createTopics with replicaAssignment: validated as Kafka does', async () => {
    const bad = async (replicaAssignment: { partition: number; replicas: number[] }[]) => {
      const err = await admin
        .createTopics({ topics: [{ topic: 'ct-assign', replicaAssignment }] })
        .catch((e: unknown) => e);
      const errors = (err as { errors?: { type?: string }[] }).errors ?? [];
      return errors.map((e) => e.type);
    };
    expect(await bad([{ partition: 0, replicas: [10] }])).toEqual(['INVALID_REPLICA_ASSIGNMENT']);
    expect(await bad([{ partition: 0, replicas: [0, 0] }])).toEqual(['INVALID_REPLICA_ASSIGNMENT']);
    expect(await bad([{ partition: 0, replicas: [] }])).toEqual(['INVALID_REPLICA_ASSIGNMENT']);
    // partition indexes must be 0..n-1
    expect(
      await bad([
        { partition: 0, replicas: [0] },
        { partition: 2, replicas: [0] },
      ]),
    ).toEqual(['INVALID_REPLICA_ASSIGNMENT']);
    expect(await admin.listTopics()).not.toContain('ct-assign');
    await admin.createTopics({
      topics: [
        {
          topic: 'ct-assign',
          replicaAssignment: [
            { partition: 1, replicas: [0] },
            { partition: 0, replicas: [0] },
          ],
        },
      ],
    });
    expect(await partitionsOf('ct-assign')).toEqual([0, 1]);
  });

  it('librdkafka (confluent_kafka admin) gets Kafka error codes and messages', async () => {
    const script = resolve(import.meta.dirname, 'fixtures/librdkafka-admin.py');
    const r = await run(
      '/usr/bin/python3',
      [script, b.bootstrap, 'assignments', 'rd-assign'],
      undefined,
      60_000,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.create_valid).toEqual({ error: null });
    expect(out.create_missing_broker.error).toMatchObject({
      code: 39,
      message: 'The manual partition assignment includes broker 7, but no such broker is registered.',
    });
    expect(out.create_duplicate_broker.error).toMatchObject({
      code: 39,
      message: 'The manual partition assignment includes the broker 0 more than once.',
    });
    expect(out.partitions_missing_broker.error).toMatchObject({
      code: 39,
      message: 'The manual partition assignment includes broker 10, but no such broker is registered.',
    });
    expect(out.partitions_valid).toEqual({ error: null });
    expect(out.partitions).toEqual({ 'rd-assign': [0, 1, 2] });
  });
});
