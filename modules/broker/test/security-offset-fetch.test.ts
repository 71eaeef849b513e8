import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBroker, startTestBroker } from './helpers/broker.js';
import { plainLogin, type RawConnection } from './helpers/raw-sasl-client.js';

const TOPIC = 2;
const GROUP = 3;
const LITERAL = 3;
const READ = 3;
const DESCRIBE = 8;
const ALLOW = 3;

interface OffsetFetchV3 {
  errorCode: number;
  topics: {
    name: string;
    partitions: { partitionIndex: number; committedOffset: bigint; errorCode: number }[];
  }[];
}

/** OffsetFetch under the authorizer (raw frames: kafkajs never asks for "all topics"). */
describe('OffsetFetch with the authorizer', () => {
  let b: TestBroker;
  const conns: RawConnection[] = [];
  const login = async (user: string) => {
    const { answer, conn } = await plainLogin(b.port, user, `${user}-secret`);
    conns.push(conn);
    expect(answer).toMatchObject({ errorCode: 0 });
    return conn;
  };
  beforeAll(async () => {
    b = await startTestBroker({
      securityProtocol: 'SASL_PLAINTEXT',
      saslUsers: ['admin', 'alice'].map((user) => ({ user, password: `${user}-secret` })),
      authorizer: 'acl',
      superUsers: ['User:admin'],
    });
    const admin = await login('admin');
    const topic = (name: string) => ({
      name,
      numPartitions: 1,
      replicationFactor: 1,
      assignments: [],
      configs: [],
    });
    await admin.request(19, 2, {
      topics: [topic('visible'), topic('hidden')],
      timeoutMs: 5000,
      validateOnly: false,
    });
    const acl = (resourceType: number, resourceName: string, operation: number) => ({
      resourceType,
      resourceName,
      resourcePatternType: LITERAL,
      principal: 'User:alice',
      host: '*',
      operation,
      permissionType: ALLOW,
    });
    await admin.request(30, 1, { creations: [acl(GROUP, 'g1', READ), acl(TOPIC, 'visible', DESCRIBE)] });
    const part = {
      partitionIndex: 0,
      committedOffset: 5n,
      committedLeaderEpoch: -1,
      commitTimestamp: -1n,
      committedMetadata: null,
    };
    const committed = await admin.request<{ topics: { partitions: { errorCode: number }[] }[] }>(8, 2, {
      groupId: 'g1',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: ['visible', 'hidden'].map((name) => ({ name, partitions: [part] })),
    });
    expect(committed).not.toBe('closed');
  });
  afterAll(async () => {
    for (const c of conns) c.close();
    await b?.close();
  });

  const fetchAll = async (
    conn: RawConnection,
    topics: { name: string; partitionIndexes: number[] }[] | null,
  ) => {
    const res = await conn.request<OffsetFetchV3>(9, 3, { groupId: 'g1', topics });
    if (res === 'closed') throw new Error('connection closed');
    return res;
  };

  it('all topics (null): the answer leaves out the topics the principal may not DESCRIBE', async () => {
    const admin = await login('admin');
    expect((await fetchAll(admin, null)).topics.map((t) => t.name).sort()).toEqual(['hidden', 'visible']);
    const alice = await login('alice');
    const res = await fetchAll(alice, null);
    expect(res.errorCode).toBe(0);
    expect(res.topics.map((t) => t.name)).toEqual(['visible']);
    expect(res.topics[0].partitions[0].committedOffset).toBe(5n);
  });

  it('a named topic without DESCRIBE: TOPIC_AUTHORIZATION_FAILED for it, the other answered', async () => {
    const alice = await login('alice');
    const res = await fetchAll(alice, [
      { name: 'visible', partitionIndexes: [0] },
      { name: 'hidden', partitionIndexes: [0] },
    ]);
    const byName = Object.fromEntries(res.topics.map((t) => [t.name, t.partitions[0]]));
    expect(byName.visible).toMatchObject({ committedOffset: 5n, errorCode: 0 });
    expect(byName.hidden).toMatchObject({ errorCode: 29 });
  });
});
