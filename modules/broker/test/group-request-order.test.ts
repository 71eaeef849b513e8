import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/protocol/errors.js';
import { type TestBroker, startTestBroker } from './helpers/broker.js';
import { decodeResponse, requestFrame } from './helpers/raw-client.js';

/**
 * Kafka handles the requests of one connection one at a time, so a client may pipeline group
 * requests and rely on their order: an OffsetCommit sent before a JoinGroup belongs to the old
 * generation, one sent after it to the new one, and an OffsetFetch sees every commit sent before
 * it. librdkafka relies on this when it commits the offsets of revoked partitions and rejoins.
 */
describe('group requests on one connection take effect in the order they were sent', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.close();
  });

  /** One connection; `send` writes several frames at once and resolves with every response body. */
  async function openConnection() {
    const socket: Socket = connect(broker.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    let buffered = Buffer.alloc(0);
    const waiting: ((frame: Buffer) => void)[] = [];
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const size = buffered.readInt32BE(0);
        const frame = buffered.subarray(4, 4 + size);
        buffered = buffered.subarray(4 + size);
        waiting.shift()?.(frame);
      }
    });
    let correlation = 1;
    return {
      async send(...requests: [apiKey: number, version: number, body: object][]): Promise<unknown[]> {
        const answers = requests.map(
          ([apiKey, version]) =>
            new Promise<unknown>((resolve) =>
              waiting.push((frame) => resolve(decodeResponse(apiKey, version, frame))),
            ),
        );
        socket.write(
          Buffer.concat(
            requests.map(([apiKey, version, body]) => requestFrame(apiKey, version, correlation++, body)),
          ),
        );
        return Promise.all(answers);
      },
      close: () => socket.destroy(),
    };
  }

  const join = (groupId: string, memberId: string): [number, number, object] => [
    11,
    1,
    {
      groupId,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from([0, 1]) }],
    },
  ];
  const sync = (groupId: string, generationId: number, memberId: string): [number, number, object] => [
    14,
    1,
    { groupId, generationId, memberId, assignments: [{ memberId, assignment: Buffer.from('all') }] },
  ];
  const commit = (
    groupId: string,
    generationId: number,
    memberId: string,
    offset: number,
  ): [number, number, object] => [
    8,
    2,
    {
      groupId,
      generationIdOrMemberEpoch: generationId,
      memberId,
      retentionTimeMs: -1n,
      topics: [
        {
          name: 't',
          partitions: [{ partitionIndex: 0, committedOffset: BigInt(offset), committedMetadata: '' }],
        },
      ],
    },
  ];
  const fetchOffset = (groupId: string): [number, number, object] => [
    9,
    1,
    { groupId, topics: [{ name: 't', partitionIndexes: [0] }] },
  ];
  type Join = { errorCode: number; generationId: number; memberId: string };
  type Commit = { topics: { partitions: { errorCode: number }[] }[] };
  type Fetched = { topics: { partitions: { committedOffset: bigint }[] }[] };

  async function stableMember(conn: Awaited<ReturnType<typeof openConnection>>, groupId: string) {
    const [joined] = (await conn.send(join(groupId, ''))) as Join[];
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1 });
    const [synced] = (await conn.send(sync(groupId, 1, joined.memberId))) as { errorCode: number }[];
    expect(synced.errorCode).toBe(0);
    return joined.memberId;
  }

  it('an OffsetFetch pipelined behind an OffsetCommit sees the commit', async () => {
    const conn = await openConnection();
    try {
      const memberId = await stableMember(conn, 'order-fetch');
      for (let offset = 1; offset <= 20; offset++) {
        const [committed, fetched] = (await conn.send(
          commit('order-fetch', 1, memberId, offset),
          fetchOffset('order-fetch'),
        )) as [Commit, Fetched];
        expect(committed.topics[0].partitions[0].errorCode).toBe(0);
        expect(fetched.topics[0].partitions[0].committedOffset).toBe(BigInt(offset));
      }
    } finally {
      conn.close();
    }
  });

  it('a commit sent before a rejoin is taken in the old generation; one sent after it is checked against the new one', async () => {
    const conn = await openConnection();
    try {
      const memberId = await stableMember(conn, 'order-join');
      // The leader rejoins: a new generation. Kafka handles these three in this order.
      const [before, rejoined, after] = (await conn.send(
        commit('order-join', 1, memberId, 5),
        join('order-join', memberId),
        commit('order-join', 1, memberId, 9),
      )) as [Commit, Join, Commit];
      expect(before.topics[0].partitions[0].errorCode).toBe(0);
      expect(rejoined).toMatchObject({ errorCode: 0, generationId: 2 });
      expect(after.topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
      const [fetched] = (await conn.send(fetchOffset('order-join'))) as Fetched[];
      expect(fetched.topics[0].partitions[0].committedOffset).toBe(5n);
    } finally {
      conn.close();
    }
  });
});
