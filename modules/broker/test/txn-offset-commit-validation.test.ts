import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/protocol/errors.js';
import type { TxnOffsetCommitResponse } from '../src/protocol/messages.generated.js';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { connectKafkajsBroker, type KafkajsRawBroker } from './helpers/kafkajs-broker.js';
import { decodeResponse, requestFrame, sendRaw } from './helpers/raw-client.js';

/**
 * TxnOffsetCommit is validated in Kafka's order: group id, then unknown
 * topics/partitions, then — with transaction verification (Kafka 3.6+'s default) — the
 * transaction coordinator's verdict, then member/generation. Without verification (Kafka <= 3.5,
 * the version kafkajs 2.2.4's suite runs against) the transactional fields are not checked: the
 * suite's "ignores invalid transaction fields".
 */
const TOPIC = 'txn-offsets';

interface Txn {
  transactionalId: string;
  producerId: string;
  producerEpoch: number;
}

/** A transaction with partitions 0 and 1 of TOPIC and `group` added, through kafkajs's Broker. */
async function openTransaction(
  kb: KafkajsRawBroker,
  transactionalId: string,
  group: string | null,
): Promise<Txn> {
  const { producerId, producerEpoch } = await kb.initProducerId({
    transactionalId,
    transactionTimeout: 30_000,
  });
  await kb.addPartitionsToTxn({
    transactionalId,
    producerId,
    producerEpoch,
    topics: [{ topic: TOPIC, partitions: [0, 1] }],
  });
  if (group !== null)
    await kb.addOffsetsToTxn({ transactionalId, producerId, producerEpoch, groupId: group });
  return { transactionalId, producerId, producerEpoch };
}

function commitFields(txn: Txn, groupId: string, topics = [{ topic: TOPIC, partitions: [0, 1] }]) {
  return {
    ...txn,
    groupId,
    topics: topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((partition) => ({ partition, offset: 5 })),
    })),
  };
}

const INVALID: Txn = { transactionalId: 'foo', producerId: '999', producerEpoch: 999 };

async function startWith(verification: boolean) {
  const broker = await startTestBroker({ transactionPartitionVerification: verification });
  const admin = kafkaClient(broker.bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
  const kb = await connectKafkajsBroker(broker.host, broker.port);
  return { broker, admin, kb };
}

describe('TxnOffsetCommit without transaction verification (Kafka <= 3.5)', () => {
  let broker: TestBroker;
  let admin: Admin;
  let kb: KafkajsRawBroker;
  beforeAll(async () => {
    ({ broker, admin, kb } = await startWith(false));
  });
  afterAll(async () => {
    await kb?.disconnect();
    await admin?.disconnect();
    await broker?.close();
  });

  it("ignores invalid transaction fields (kafkajs's suite case)", async () => {
    const group = 'group-ignores';
    await openTransaction(kb, 'txn-ignores', group);
    const result = await kb.txnOffsetCommit(commitFields(INVALID, group));
    expect(result.topics).toEqual([
      {
        topic: TOPIC,
        partitions: expect.arrayContaining([
          { partition: 0, errorCode: 0 },
          { partition: 1, errorCode: 0 },
        ]),
      },
    ]);
    // still checked: unknown partitions and an empty group id
    const res = await sendRaw(
      broker.port,
      requestFrame(28, 3, 1, {
        transactionalId: 'foo',
        groupId: '',
        producerId: 999n,
        producerEpoch: 999,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [
          {
            name: TOPIC,
            partitions: [
              { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' },
            ],
          },
        ],
      }),
    );
    const decoded = decodeResponse<TxnOffsetCommitResponse>(28, 3, res as Buffer);
    expect(decoded.topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });
});

describe('TxnOffsetCommit with transaction verification (default, Kafka >= 3.6)', () => {
  let broker: TestBroker;
  let admin: Admin;
  let kb: KafkajsRawBroker;
  beforeAll(async () => {
    ({ broker, admin, kb } = await startWith(true));
  });
  afterAll(async () => {
    await kb?.disconnect();
    await admin?.disconnect();
    await broker?.close();
  });

  it('accepts offsets of a group added to the ongoing transaction; they apply on commit', async () => {
    const group = 'group-ok';
    const txn = await openTransaction(kb, 'txn-ok', group);
    await kb.txnOffsetCommit(commitFields(txn, group));
    await kb.endTxn({ ...txn, transactionResult: true });
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
    expect(offsets[0].partitions.map((p) => p.offset).sort()).toEqual(['5', '5']);
  });

  it('refuses invalid transaction fields with INVALID_PRODUCER_ID_MAPPING, as the coordinator verdict', async () => {
    const group = 'group-invalid';
    await openTransaction(kb, 'txn-invalid', group);
    await expect(kb.txnOffsetCommit(commitFields(INVALID, group))).rejects.toMatchObject({
      type: 'INVALID_PRODUCER_ID_MAPPING',
    });
  });

  it('refuses a group not added to the transaction (no AddOffsetsToTxn) with INVALID_TXN_STATE', async () => {
    const txn = await openTransaction(kb, 'txn-no-add', null);
    await expect(kb.txnOffsetCommit(commitFields(txn, 'group-not-added'))).rejects.toMatchObject({
      type: 'INVALID_TXN_STATE',
    });
    const offsets = await admin.fetchOffsets({ groupId: 'group-not-added', topics: [TOPIC] });
    expect(offsets[0].partitions.map((p) => p.offset)).toEqual(['-1', '-1']);
  });

  it('answers unknown partitions and an empty group id before looking at the transaction', async () => {
    const frame = (groupId: string) =>
      requestFrame(28, 3, 1, {
        transactionalId: 'foo',
        groupId,
        producerId: 999n,
        producerEpoch: 999,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [
          {
            name: TOPIC,
            partitions: [0, 9].map((i) => ({
              partitionIndex: i,
              committedOffset: 1n,
              committedLeaderEpoch: -1,
              committedMetadata: '',
            })),
          },
          {
            name: 'no-such-topic',
            partitions: [
              { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' },
            ],
          },
        ],
      });
    const codes = async (groupId: string) => {
      const res = await sendRaw(broker.port, frame(groupId));
      const decoded = decodeResponse<TxnOffsetCommitResponse>(28, 3, res as Buffer);
      return decoded.topics.map((t) => t.partitions.map((p) => [p.partitionIndex, p.errorCode]));
    };
    expect(await codes('some-group')).toEqual([
      [
        [0, ErrorCode.INVALID_PRODUCER_ID_MAPPING],
        [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ],
      [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]],
    ]);
    expect(await codes('')).toEqual([
      [
        [0, ErrorCode.INVALID_GROUP_ID],
        [9, ErrorCode.INVALID_GROUP_ID],
      ],
      [[0, ErrorCode.INVALID_GROUP_ID]],
    ]);
  });
});
