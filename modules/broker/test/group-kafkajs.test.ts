import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Kafka } from 'kafkajs';
import { waitFor } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { FAST_GROUP, type Member, startMember } from './helpers/group-consumers.js';

const CHILD = resolve(import.meta.dirname, 'fixtures/group-consumer-child.mjs');

async function produce(kafka: Kafka, topic: string, partitions: number, perPartition: number, tag: string) {
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition; i++) messages.push({ partition: p, value: `${tag}-${p}-${i}` });
  }
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
  return messages.map((m) => m.value);
}

function isFullDisjoint(assignments: number[][], partitions: number): boolean {
  const all = assignments.flat().sort((a, b) => a - b);
  return all.length === partitions && all.every((p, i) => p === i);
}

describe('consumer groups through kafkajs', () => {
  let broker: TestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = kafkaClient(broker.bootstrap, 'group-test');
  });
  afterAll(async () => {
    await broker.close();
  });

  async function createTopic(topic: string, numPartitions: number) {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions }] });
    await admin.disconnect();
  }

  async function committed(groupId: string, topic: string): Promise<number[]> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return t.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
    } finally {
      await admin.disconnect();
    }
  }

  it('gives 3 consumers on 4 partitions a full, disjoint assignment and delivers each record once', async () => {
    await createTopic('three-members', 4);
    const members: Member[] = [];
    for (let i = 0; i < 3; i++) members.push(await startMember(kafka, 'three', 'three-members'));
    await waitFor(
      'a full disjoint assignment over 3 members',
      () =>
        members.every((m) => m.assigned.length > 0) &&
        isFullDisjoint(
          members.map((m) => m.assigned),
          4,
        ),
      30_000,
    );
    const admin = kafka.admin();
    await admin.connect();
    const { groups } = await admin.describeGroups(['three']);
    expect(groups[0]).toMatchObject({ groupId: 'three', state: 'Stable', protocolType: 'consumer' });
    expect(groups[0].members).toHaveLength(3);
    await admin.disconnect();

    const produced = await produce(kafka, 'three-members', 4, 10, 'v');
    await waitFor(
      'all records consumed',
      () => members.reduce((n, m) => n + m.seen.length, 0) >= produced.length,
      30_000,
    );
    const seen = members.flatMap((m) => m.seen.map((s) => s.value));
    expect(seen.sort()).toEqual(produced.sort());
    // Each member only saw its own partitions.
    for (const m of members) expect(m.seen.every((s) => m.assigned.includes(s.partition))).toBe(true);
    await waitFor(
      'offsets committed',
      async () => (await committed('three', 'three-members')).every((o) => o === 10),
      30_000,
    );
    // A member that leaves (LeaveGroup on disconnect) hands its partitions to the others at once.
    await members[0].consumer.disconnect();
    await waitFor(
      'the two remaining members to share all partitions',
      () => isFullDisjoint([members[1].assigned, members[2].assigned], 4),
      30_000,
    );
    for (const m of members.slice(1)) await m.consumer.disconnect();
  });

  it('moves the partitions of a SIGKILLed member to the others after the session timeout; nothing committed is lost', async () => {
    const topic = 'failover';
    await createTopic(topic, 4);
    const child: ChildProcess = spawn(
      process.execPath,
      [CHILD, broker.bootstrap, 'failover-group', topic, '6000'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const childState = {
      assigned: [] as number[],
      seen: [] as { partition: number; offset: string; value: string }[],
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const e = JSON.parse(line) as {
        event: string;
        partitions?: number[];
        partition: number;
        offset: string;
        value: string;
      };
      if (e.event === 'assigned') childState.assigned = [...e.partitions!].sort();
      else childState.seen.push({ partition: e.partition, offset: e.offset, value: e.value });
    });
    try {
      await waitFor('the child to own every partition', () => childState.assigned.length === 4, 30_000);
      const survivors = [
        await startMember(kafka, 'failover-group', topic),
        await startMember(kafka, 'failover-group', topic),
      ];
      const all = () => [childState.assigned, ...survivors.map((m) => m.assigned)];
      await waitFor(
        'the child and two members to share the partitions',
        () => all().every((a) => a.length > 0) && isFullDisjoint(all(), 4),
        30_000,
      );
      const childPartitions = [...childState.assigned];

      const first = await produce(kafka, topic, 4, 10, 'before');
      await waitFor(
        'first batch committed',
        async () => (await committed('failover-group', topic)).every((o) => o === 10),
        30_000,
      );
      const committedBeforeKill = await committed('failover-group', topic);

      child.kill('SIGKILL');
      await waitFor(
        'the survivors to take over every partition',
        () =>
          isFullDisjoint(
            survivors.map((m) => m.assigned),
            4,
          ),
        40_000,
      );
      const second = await produce(kafka, topic, 4, 10, 'after');
      await waitFor(
        'second batch committed',
        async () => (await committed('failover-group', topic)).every((o) => o === 20),
        30_000,
      );

      const seenBySurvivors = survivors.flatMap((m) => m.seen);
      const seenAll = [...childState.seen, ...seenBySurvivors].map((s) => s.value);
      expect(new Set(seenAll)).toEqual(new Set([...first, ...second]));
      // What the child had committed is not handed out again: survivors start at the committed offsets.
      for (const s of seenBySurvivors) {
        if (childPartitions.includes(s.partition)) {
          expect(Number(s.offset)).toBeGreaterThanOrEqual(committedBeforeKill[s.partition]);
        }
      }
      // The partitions the child owned were consumed by the survivors after the kill.
      for (const p of childPartitions) {
        expect(seenBySurvivors.some((s) => s.partition === p && s.value.startsWith('after'))).toBe(true);
      }
      for (const m of survivors) await m.consumer.disconnect();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('eachBatch with manual commits, seek, pause/resume and fromBeginning', async () => {
    const topic = 'batches';
    await createTopic(topic, 1);
    await produce(kafka, topic, 1, 10, 'b');
    const consumer = kafka.consumer({ groupId: 'batcher', ...FAST_GROUP });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    let batches = 0;
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        batches++;
        for (const m of batch.messages) {
          values.push(m.value!.toString());
          resolveOffset(m.offset);
        }
        await consumer.commitOffsets([
          { topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) },
        ]);
        await heartbeat();
      },
    });
    await waitFor('ten records by eachBatch', () => values.length === 10, 30_000);
    expect(batches).toBeGreaterThan(0);
    expect(values).toEqual([...Array(10).keys()].map((i) => `b-0-${i}`));
    expect(await committed('batcher', topic)).toEqual([10]);

    // seek: replays from offset 5.
    consumer.seek({ topic, partition: 0, offset: '5' });
    await waitFor('replay after seek', () => values.length === 15, 30_000);
    expect(values.slice(10)).toEqual([5, 6, 7, 8, 9].map((i) => `b-0-${i}`));

    // pause: nothing is delivered until resume.
    consumer.pause([{ topic }]);
    await produce(kafka, topic, 1, 3, 'paused');
    await new Promise((r) => setTimeout(r, 800));
    expect(values).toHaveLength(15);
    expect(consumer.paused()).toEqual([{ topic, partitions: [0] }]);
    consumer.resume([{ topic }]);
    await waitFor('records after resume', () => values.length === 18, 30_000);
    expect(values.slice(15)).toEqual(['paused-0-0', 'paused-0-1', 'paused-0-2']);
    await consumer.disconnect();
    // A restart of the group continues from the committed offset.
    expect(await committed('batcher', topic)).toEqual([13]);

    // fromBeginning false: a new group starts at the end of the log.
    const late = await (async () => {
      const c = kafka.consumer({ groupId: 'latecomer', ...FAST_GROUP });
      const got: string[] = [];
      // Its start offset (the end of the log) is resolved before its first fetch completes.
      let fetched = false;
      c.on(c.events.FETCH, () => {
        fetched = true;
      });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: false });
      await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
      await waitFor('the latecomer to fetch', () => fetched, 30_000);
      await produce(kafka, topic, 1, 1, 'new');
      await waitFor('the new record', () => got.length >= 1, 30_000);
      await c.disconnect();
      return got;
    })();
    expect(late).toEqual(['new-0-0']);
  });

  it('admin: fetch/set/reset group offsets, describe/list/delete groups', async () => {
    const topic = 'admin-groups';
    await createTopic(topic, 2);
    await produce(kafka, topic, 2, 5, 'a');
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await committed('admin-g', topic)).toEqual([-1, -1]);
      await admin.setOffsets({
        groupId: 'admin-g',
        topic,
        partitions: [
          { partition: 0, offset: '3' },
          { partition: 1, offset: '4' },
        ],
      });
      expect(await committed('admin-g', topic)).toEqual([3, 4]);
      // Prometheus: lag = high watermark (5) - committed offset, per group and partition.
      const lag = await broker.broker.metrics.registry.getSingleMetricAsString('kafka_consumer_group_lag');
      expect(lag).toContain(`kafka_consumer_group_lag{group="admin-g",topic="${topic}",partition="0"} 2`);
      expect(lag).toContain(`kafka_consumer_group_lag{group="admin-g",topic="${topic}",partition="1"} 1`);
      const resumed = await startMember(kafka, 'admin-g', topic);
      await waitFor('the group to resume at the set offsets', () => resumed.seen.length === 3, 30_000);
      expect(resumed.seen.map((s) => s.value).sort()).toEqual(['a-0-3', 'a-0-4', 'a-1-4']);
      await resumed.consumer.disconnect();
      expect(await committed('admin-g', topic)).toEqual([5, 5]);
      // kafkajs resets by committing the logical offset -2 (earliest; -1 = latest), which a
      // consumer resolves when it starts. (Each set/reset costs kafkajs one 5 s fetch wait.)
      await admin.resetOffsets({ groupId: 'admin-g', topic, earliest: true });
      expect(await committed('admin-g', topic)).toEqual([-2, -2]);

      // A live member: listed and described; the group cannot be deleted nor its offsets set.
      const member = await startMember(kafka, 'admin-live', topic);
      await waitFor('member assigned', () => member.assigned.length === 2, 30_000);
      const { groups } = await admin.listGroups();
      expect(groups).toEqual(
        expect.arrayContaining([
          { groupId: 'admin-g', protocolType: 'consumer' },
          { groupId: 'admin-live', protocolType: 'consumer' },
        ]),
      );
      const described = await admin.describeGroups(['admin-live', 'admin-g']);
      expect(described.groups[0]).toMatchObject({ state: 'Stable', protocol: 'RoundRobinAssigner' });
      expect(described.groups[0].members[0]).toMatchObject({
        clientId: 'group-test',
        clientHost: '/127.0.0.1',
      });
      expect(described.groups[0].members[0].memberAssignment.length).toBeGreaterThan(0);
      expect(described.groups[1]).toMatchObject({ state: 'Empty', members: [] });
      await expect(admin.deleteGroups(['admin-live'])).rejects.toThrow();
      await expect(
        admin.setOffsets({ groupId: 'admin-live', topic, partitions: [{ partition: 0, offset: '1' }] }),
      ).rejects.toThrow();
      await member.consumer.disconnect();

      const deleted = await admin.deleteGroups(['admin-g', 'admin-live']);
      expect(deleted.map((d) => d.errorCode)).toEqual([0, 0]);
      expect(await committed('admin-g', topic)).toEqual([-1, -1]);
      const after = await admin.listGroups();
      expect(after.groups.map((g) => g.groupId)).not.toContain('admin-g');
    } finally {
      await admin.disconnect();
    }
  });
});
