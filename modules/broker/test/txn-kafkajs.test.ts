import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
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
});
