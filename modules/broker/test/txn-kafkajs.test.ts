import { waitFor } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumerGroupMetadata, Kafka } from 'kafkajs';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';

/** Consumes `topic` from the beginning with the given isolation until `until` holds; returns values. */
async function readAll(
  kafka: Kafka,
  topic: string,
  groupId: string,
  readUncommitted: boolean,
  until: (values: string[]) => boolean,
): Promise<string[]> {
  const consumer = kafka.consumer({
    groupId,
    readUncommitted,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
        if (until(values)) resolve();
      },
    });
  });
  await consumer.disconnect();
  return values;
}

describe('transactions through kafkajs', () => {
  let broker: TestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = kafkaClient(broker.bootstrap, 'txn-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'txn-out', numPartitions: 2 },
        { topic: 'txn-in', numPartitions: 1 },
        { topic: 'txn-sendoffsets-out', numPartitions: 1 },
        { topic: 'txn-kip447-in', numPartitions: 2 },
        { topic: 'txn-timeout-out', numPartitions: 1 },
      ],
    });
    await admin.disconnect();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('read_committed consumers see committed records and never aborted ones', async () => {
    const producer = kafka.producer({ transactionalId: 'tx-1', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const committed: string[] = [];
    for (let round = 0; round < 3; round++) {
      const keep = round !== 1;
      const txn = await producer.transaction();
      const values = [0, 1, 2, 3].map((i) => `${keep ? 'commit' : 'abort'}-${round}-${i}`);
      await txn.send({ topic: 'txn-out', messages: values.map((value, i) => ({ partition: i % 2, value })) });
      if (keep) {
        await txn.commit();
        committed.push(...values);
      } else {
        await txn.abort();
      }
    }
    // A last committed marker record tells the readers they have seen everything.
    const last = await producer.transaction();
    await last.send({
      topic: 'txn-out',
      messages: [
        { partition: 0, value: 'end' },
        { partition: 1, value: 'end' },
      ],
    });
    await last.commit();
    await producer.disconnect();

    const readCommitted = await readAll(
      kafka,
      'txn-out',
      'rc',
      false,
      (v) => v.filter((x) => x === 'end').length === 2,
    );
    expect(readCommitted.filter((v) => v.startsWith('abort'))).toEqual([]);
    expect(readCommitted.filter((v) => v !== 'end').sort()).toEqual(committed.sort());

    // A read_uncommitted consumer does see the aborted records: they are in the log.
    const readUncommitted = await readAll(
      kafka,
      'txn-out',
      'ru',
      true,
      (v) => v.filter((x) => x === 'end').length === 2,
    );
    expect(readUncommitted.filter((v) => v.startsWith('abort'))).toHaveLength(4);
  });

  it('sendOffsets commits the consumed offsets atomically with the output', async () => {
    const plain = kafka.producer();
    await plain.connect();
    await plain.send({ topic: 'txn-in', messages: [0, 1, 2, 3, 4, 5].map((i) => ({ value: `in-${i}` })) });
    await plain.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    const offsetOf = async () =>
      Number(
        (await admin.fetchOffsets({ groupId: 'processor', topics: ['txn-in'] }))[0].partitions[0].offset,
      );

    const producer = kafka.producer({
      transactionalId: 'tx-processor',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    // Aborted: output invisible, offsets unchanged.
    const aborted = await producer.transaction();
    await aborted.send({ topic: 'txn-sendoffsets-out', messages: [{ value: 'out-aborted' }] });
    await aborted.sendOffsets({
      consumerGroupId: 'processor',
      topics: [{ topic: 'txn-in', partitions: [{ partition: 0, offset: '3' }] }],
    });
    await aborted.abort();
    expect(await offsetOf()).toBe(-1);

    // Committed: output visible and offsets moved, together.
    const txn = await producer.transaction();
    await txn.send({ topic: 'txn-sendoffsets-out', messages: [{ value: 'out-0-2' }] });
    await txn.sendOffsets({
      consumerGroupId: 'processor',
      topics: [{ topic: 'txn-in', partitions: [{ partition: 0, offset: '3' }] }],
    });
    expect(await offsetOf()).toBe(-1);
    await txn.commit();
    expect(await offsetOf()).toBe(3);
    await producer.disconnect();
    await admin.disconnect();

    const out = await readAll(kafka, 'txn-sendoffsets-out', 'out-reader', false, (v) =>
      v.includes('out-0-2'),
    );
    expect(out).toEqual(['out-0-2']);
  });

  it('fences an older producer instance with the same transactional id', async () => {
    const first = kafka.producer({ transactionalId: 'tx-fence', idempotent: true, maxInFlightRequests: 1 });
    await first.connect();
    const open = await first.transaction();
    await open.send({ topic: 'txn-out', messages: [{ key: 'z', value: 'zombie' }] });

    const second = kafka.producer({ transactionalId: 'tx-fence', idempotent: true, maxInFlightRequests: 1 });
    await second.connect();
    // The second instance's InitProducerId bumps the epoch and aborts the first one's transaction.
    const t = await second.transaction();
    await expect(open.commit()).rejects.toThrow(/epoch/i);
    await t.send({ topic: 'txn-out', messages: [{ key: 'z', value: 'fenced-ok' }] });
    await t.commit();
    await second.disconnect();
    await first.disconnect();

    const seen = await readAll(kafka, 'txn-out', 'rc-fence', false, (v) => v.includes('fenced-ok'));
    expect(seen).not.toContain('zombie');
  });

  it('KIP-447: offsets carry the consumer generation; after a rebalance the old generation is refused and its transaction cannot commit them', async () => {
    const groupId = 'kip447';
    const joined: ConsumerGroupMetadata[] = [];
    const member = (name: string) => {
      const consumer = kafka.consumer({
        groupId,
        sessionTimeout: 6000,
        heartbeatInterval: 300,
        maxWaitTimeInMs: 100,
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        const metadata = consumer.groupMetadata();
        if (metadata) joined.push(metadata);
      });
      return { name, consumer };
    };
    const a = member('a');
    await a.consumer.connect();
    await a.consumer.subscribe({ topic: 'txn-kip447-in', fromBeginning: true });
    await a.consumer.run({ autoCommit: false, eachMessage: async () => {} });
    await waitFor('the first member to join', () => joined.length >= 1, 20_000);
    const first = joined[0]!;
    expect(first.generationId).toBeGreaterThan(0);
    expect(first.memberId).not.toBe('');

    const producer = kafka.producer({
      transactionalId: 'tx-kip447',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    // Offsets of a topic the members do not consume: kafkajs commits its own default offsets on the other.
    const offsets = (offset: string) => [{ topic: 'txn-out', partitions: [{ partition: 0, offset }] }];
    const current = await producer.transaction();
    await current.sendOffsets({
      consumerGroupId: groupId,
      topics: offsets('5'),
      consumerGroupMetadata: first,
    });
    await current.commit();

    // A second member joins: the group moves to a new generation.
    const b = member('b');
    await b.consumer.connect();
    await b.consumer.subscribe({ topic: 'txn-kip447-in', fromBeginning: true });
    await b.consumer.run({ autoCommit: false, eachMessage: async () => {} });
    await waitFor('a new generation', () => joined.some((m) => m.generationId > first.generationId), 20_000);

    // A zombie still on the first generation: refused, and its transaction is aborted.
    const zombie = await producer.transaction();
    await expect(
      zombie.sendOffsets({ consumerGroupId: groupId, topics: offsets('9'), consumerGroupMetadata: first }),
    ).rejects.toMatchObject({ type: 'ILLEGAL_GENERATION' });
    await zombie.abort();
    const unknown = await producer.transaction();
    await expect(
      unknown.sendOffsets({
        consumerGroupId: groupId,
        topics: offsets('9'),
        consumerGroupMetadata: { ...first, generationId: joined.at(-1)!.generationId, memberId: 'gone' },
      }),
    ).rejects.toMatchObject({ type: 'UNKNOWN_MEMBER_ID' });
    await unknown.abort();

    const admin = kafka.admin();
    await admin.connect();
    const [entry] = await admin.fetchOffsets({ groupId, topics: ['txn-out'] });
    expect(entry!.partitions.find((p) => p.partition === 0)!.offset).toBe('5');
    await admin.disconnect();
    await producer.disconnect();
    await Promise.all([a.consumer.disconnect(), b.consumer.disconnect()]);
  });

  it('aborts a transaction past its transaction.timeout.ms: markers written, the last stable offset moves on, the producer is fenced', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const ends = async () => {
      const [high] = await admin.fetchTopicOffsets('txn-timeout-out', { isolationLevel: 0 });
      const [stable] = await admin.fetchTopicOffsets('txn-timeout-out', { isolationLevel: 1 });
      return { high: Number(high!.high), stable: Number(stable!.high) };
    };
    const stalled = kafka.producer({
      transactionalId: 'tx-stalled',
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 1_000,
    });
    await stalled.connect();
    const open = await stalled.transaction();
    await open.send({ topic: 'txn-timeout-out', messages: [{ value: 'never-committed' }] });
    // Held back by the open transaction.
    expect(await ends()).toEqual({ stable: 0, high: 1 });

    // Nobody ends it: the broker's timer aborts it (writing the abort marker).
    await waitFor(
      'the broker to abort the timed-out transaction',
      async () => {
        const { stable, high } = await ends();
        return stable === high;
      },
      15_000,
    );
    expect((await ends()).high).toBe(2); // the record and the abort marker

    const other = kafka.producer({
      transactionalId: 'tx-after-timeout',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await other.connect();
    const next = await other.transaction();
    await next.send({ topic: 'txn-timeout-out', messages: [{ value: 'after' }] });
    await next.commit();
    const seen = await readAll(kafka, 'txn-timeout-out', 'rc-timeout', false, (v) => v.includes('after'));
    expect(seen).toEqual(['after']);
    // The timed-out producer was fenced with its transaction.
    await expect(open.commit()).rejects.toThrow(/epoch/i);
    await Promise.all([stalled.disconnect(), other.disconnect(), admin.disconnect()]);
  });
});
