import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/protocol/errors.js';
import { startTestBroker, type TestBroker } from './helpers/broker.js';
import { decodeResponse, requestFrame, sendRaw } from './helpers/raw-client.js';

/**
 * Every advertised version of the group and transaction APIs, spoken with raw frames (kafkajs and
 * librdkafka only use some of them): each request is answered and does what its version means.
 */
describe('group and transaction APIs at every advertised version', () => {
  let broker: TestBroker;
  let correlation = 1;

  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.close();
  });

  async function call<T>(apiKey: number, version: number, body: object): Promise<T> {
    const answer = await sendRaw(broker.port, requestFrame(apiKey, version, correlation++, body));
    if (!Buffer.isBuffer(answer)) throw new Error(`api ${apiKey} v${version}: connection ${answer}`);
    return decodeResponse<T>(apiKey, version, answer);
  }

  function advertised(apiKey: number): number[] {
    const h = broker.broker.handlers.get(apiKey)!;
    return [...Array(h.maxVersion - h.minVersion + 1).keys()].map((i) => h.minVersion + i);
  }

  it('FindCoordinator names this broker for groups and transactional ids', async () => {
    for (const v of advertised(10)) {
      type R = {
        errorCode?: number;
        port?: number;
        coordinators?: { key: string; port: number; errorCode: number }[];
      };
      const r = await call<R>(10, v, { key: 'g', keyType: v >= 1 ? 1 : 0, coordinatorKeys: ['g', 'h'] });
      if (v >= 4)
        expect(r.coordinators!.map((c) => [c.key, c.port, c.errorCode])).toEqual([
          ['g', broker.port, 0],
          ['h', broker.port, 0],
        ]);
      else expect([r.errorCode, r.port]).toEqual([0, broker.port]);
    }
  });

  it('JoinGroup, SyncGroup, Heartbeat, OffsetCommit, OffsetFetch, DescribeGroups, ListGroups, LeaveGroup, DeleteGroups', async () => {
    for (const v of advertised(11)) {
      const groupId = `versions-${v}`;
      const protocols = [{ name: 'range', metadata: Buffer.from([0, 1]) }];
      const join = {
        groupId,
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols,
        reason: null,
      };
      type J = {
        errorCode: number;
        memberId: string;
        generationId: number;
        leader: string;
        protocolName: string | null;
        members: { memberId: string }[];
      };
      let j = await call<J>(11, v, join);
      if (v >= 4) {
        expect(j.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
        j = await call<J>(11, v, { ...join, memberId: j.memberId });
      }
      expect(j).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' });
      expect(j.leader).toBe(j.memberId);
      expect(j.members.map((m) => m.memberId)).toEqual([j.memberId]);
      const memberId = j.memberId;

      const syncV = Math.min(v, 5);
      const sync = await call<{ errorCode: number; assignment: Buffer }>(14, syncV, {
        groupId,
        generationId: 1,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [{ memberId, assignment: Buffer.from('all') }],
      });
      expect(sync.errorCode).toBe(0);
      expect(sync.assignment.toString()).toBe('all');
      const hb = await call<{ errorCode: number }>(12, Math.min(v, 4), {
        groupId,
        generationId: 1,
        memberId,
        groupInstanceId: null,
      });
      expect(hb.errorCode).toBe(0);
      const stale = await call<{ errorCode: number }>(12, Math.min(v, 4), {
        groupId,
        generationId: 0,
        memberId,
        groupInstanceId: null,
      });
      expect(stale.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);

      for (const cv of advertised(8)) {
        type C = { topics: { partitions: { errorCode: number }[] }[] };
        const c = await call<C>(8, cv, {
          groupId,
          generationIdOrMemberEpoch: 1,
          memberId,
          groupInstanceId: null,
          retentionTimeMs: -1n,
          topics: [
            {
              name: 't',
              partitions: [
                {
                  partitionIndex: 0,
                  committedOffset: BigInt(100 * v + cv),
                  committedLeaderEpoch: -1,
                  commitTimestamp: -1n,
                  committedMetadata: 'm',
                },
              ],
            },
          ],
        });
        // v0 commits outside the generation protocol: refused while the group has a member.
        expect(c.topics[0].partitions[0].errorCode).toBe(cv === 0 ? ErrorCode.UNKNOWN_MEMBER_ID : 0);
      }
      for (const fv of advertised(9)) {
        type F = {
          topics?: { partitions: { committedOffset: bigint; metadata: string | null }[] }[];
          groups?: { topics: { partitions: { committedOffset: bigint }[] }[] }[];
        };
        const topics = [{ name: 't', partitionIndexes: [0] }];
        const f = await call<F>(9, fv, {
          groupId,
          topics,
          groups: [{ groupId, memberId: null, memberEpoch: -1, topics }],
          requireStable: true,
        });
        const partition = fv >= 8 ? f.groups![0].topics[0].partitions[0] : f.topics![0].partitions[0];
        expect(partition.committedOffset).toBe(BigInt(100 * v + 8));
      }
      for (const dv of advertised(15)) {
        type D = {
          groups: {
            groupState: string;
            protocolData: string;
            members: { memberId: string; memberAssignment: Buffer }[];
          }[];
        };
        const d = await call<D>(15, dv, { groups: [groupId], includeAuthorizedOperations: true });
        expect(d.groups[0]).toMatchObject({ groupState: 'Stable', protocolData: 'range' });
        expect(d.groups[0].members[0].memberAssignment.toString()).toBe('all');
      }
      for (const lv of advertised(16)) {
        type L = { errorCode: number; groups: { groupId: string; groupState?: string }[] };
        const l = await call<L>(16, lv, { statesFilter: lv >= 4 ? ['Stable'] : [], typesFilter: [] });
        expect(l.groups.map((g) => g.groupId)).toContain(groupId);
      }
      const leaveV = Math.min(v, 5);
      type Lv = { errorCode: number; members?: { memberId: string; errorCode: number }[] };
      const leave = await call<Lv>(13, leaveV, {
        groupId,
        memberId,
        members: [{ memberId, groupInstanceId: null, reason: null }],
      });
      expect(leave.errorCode).toBe(0);
      if (leaveV >= 3) expect(leave.members).toEqual([{ memberId, groupInstanceId: null, errorCode: 0 }]);
      const del = await call<{ results: { groupId: string; errorCode: number }[] }>(42, v % 3, {
        groupsNames: [groupId],
      });
      expect(del.results).toEqual([{ groupId, errorCode: 0 }]);
    }
  });

  it('InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn', async () => {
    const create = await call<{ topics: { errorCode: number }[] }>(19, 4, {
      topics: [{ name: 'tv', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(create.topics[0].errorCode).toBe(0);
    for (const v of advertised(22)) {
      const transactionalId = `tv-${v}`;
      type I = { errorCode: number; producerId: bigint; producerEpoch: number };
      const idem = await call<I>(22, v, {
        transactionalId: null,
        transactionTimeoutMs: 0,
        producerId: -1n,
        producerEpoch: -1,
      });
      expect(idem.errorCode).toBe(0);
      const init = await call<I>(22, v, {
        transactionalId,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
      });
      expect(init).toMatchObject({ errorCode: 0, producerEpoch: 0 });
      const { producerId, producerEpoch } = init;
      const tv = Math.min(v, 3);
      type A = { resultsByTopicV3AndBelow: { resultsByPartition: { partitionErrorCode: number }[] }[] };
      const add = await call<A>(24, tv, {
        v3AndBelowTransactionalId: transactionalId,
        v3AndBelowProducerId: producerId,
        v3AndBelowProducerEpoch: producerEpoch,
        v3AndBelowTopics: [{ name: 'tv', partitions: [0] }],
        transactions: [],
      });
      expect(add.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(0);
      const addOffsets = await call<{ errorCode: number }>(25, tv, {
        transactionalId,
        producerId,
        producerEpoch,
        groupId: `tg-${v}`,
      });
      expect(addOffsets.errorCode).toBe(0);
      type T = { topics: { partitions: { errorCode: number }[] }[] };
      const toc = await call<T>(28, tv, {
        transactionalId,
        groupId: `tg-${v}`,
        producerId,
        producerEpoch,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [
          {
            name: 'tv',
            partitions: [
              { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null },
            ],
          },
        ],
      });
      expect(toc.topics[0].partitions[0].errorCode).toBe(0);
      const end = await call<{ errorCode: number }>(26, tv, {
        transactionalId,
        producerId,
        producerEpoch,
        committed: true,
      });
      expect(end.errorCode).toBe(0);
      type F = { topics: { partitions: { committedOffset: bigint }[] }[] };
      const fetched = await call<F>(9, 7, {
        groupId: `tg-${v}`,
        topics: [{ name: 'tv', partitionIndexes: [0] }],
        groups: [],
        requireStable: true,
      });
      expect(fetched.topics[0].partitions[0].committedOffset).toBe(5n);
      // v3+: naming the current id/epoch bumps it; naming a stale one is fenced.
      if (v >= 3) {
        const bumped = await call<I>(22, v, {
          transactionalId,
          transactionTimeoutMs: 60_000,
          producerId,
          producerEpoch,
        });
        expect(bumped).toMatchObject({ errorCode: 0, producerId, producerEpoch: 1 });
        const fenced = await call<I>(22, v, {
          transactionalId,
          transactionTimeoutMs: 60_000,
          producerId,
          producerEpoch,
        });
        expect(fenced.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
      }
    }
  });
});
