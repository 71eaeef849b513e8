import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandTopicName } from '../../src/command/command.js';
import { RealServer } from './real-server.js';

const server = new RealServer();
beforeAll(() => server.start());
afterAll(() => server.stop());

async function get(path: string) {
  const res = await fetch(new URL(path, server.rest.url));
  return { status: res.status, text: await res.text() };
}

describe('/heartbeat and /lag on a single node', () => {
  it('answer {"isOk":true} to a well-formed message and 400 to a malformed one', async () => {
    const beat = await server.post('/heartbeat', {
      hostInfo: { host: 'other', port: 8088 },
      timestamp: Date.now(),
    });
    expect(beat.status).toBe(200);
    expect(JSON.parse(beat.text)).toEqual({ isOk: true });
    const badBeat = await server.post('/heartbeat', { hostInfo: 'other' });
    expect(badBeat.status).toBe(400);
    expect(JSON.parse(badBeat.text)).toMatchObject({
      error_code: 40000,
      message: expect.stringContaining('hostInfo'),
    });

    const lag = await server.post('/lag', {
      ksqlHost: { host: 'other', port: 8088 },
      hostStoreLags: { stateStoreLags: {}, updateTimeMs: Date.now() },
    });
    expect(lag.status).toBe(200);
    expect(JSON.parse(lag.text)).toEqual({ isOk: true });
    const badLag = await server.post('/lag', { ksqlHost: { host: 'other', port: 8088 } });
    expect(badLag.status).toBe(400);
    // As ksqlDB: /lag is POST only.
    expect((await get('/lag')).status).toBe(405);
  });
});

describe('POST /ksql/terminate', () => {
  it('refuses an invalid pattern before doing anything', async () => {
    const res = await server.post('/ksql/terminate', { deleteTopicList: ['('] });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ error_code: 40000, message: 'Invalid pattern: (' });
    expect(await server.admin.listTopics()).toContain(commandTopicName('default_'));
  });

  it('stops the queries, deletes the matching CAS sink topics and the command topic, then refuses statements', async () => {
    await server.ksql(
      "CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s_in', partitions=1, value_format='JSON');" +
        " CREATE STREAM OUT_A WITH (kafka_topic='out_a') AS SELECT * FROM S;" +
        " CREATE STREAM KEEP_B WITH (kafka_topic='keep_b') AS SELECT * FROM S;",
    );
    const before = await server.admin.listTopics();
    expect(before).toEqual(expect.arrayContaining(['s_in', 'out_a', 'keep_b', commandTopicName('default_')]));

    const res = await server.post('/ksql/terminate', { deleteTopicList: ['out_.*'] });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual([
      {
        '@type': 'currentStatus',
        statementText: 'TERMINATE CLUSTER;',
        commandId: 'cluster/TerminateCluster/terminate',
        commandStatus: { status: 'SUCCESS', message: 'Cluster terminated.' },
        commandSequenceNumber: -1,
        warnings: [],
      },
    ]);
    const after = await server.admin.listTopics();
    expect(after).not.toContain('out_a');
    expect(after).not.toContain(commandTopicName('default_'));
    expect(after).toEqual(expect.arrayContaining(['s_in', 'keep_b']));
    // The queries' consumer groups went with them.
    const { groups } = await server.admin.listGroups();
    expect(groups.map((g) => g.groupId).filter((g) => g.includes('query_CSAS_'))).toEqual([]);

    const refused = await server.post('/ksql', { ksql: 'SHOW STREAMS;' });
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text)).toMatchObject({ error_code: 50304, message: 'The server is shut down' });
  });
});
