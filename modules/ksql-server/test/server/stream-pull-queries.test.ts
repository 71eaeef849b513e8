import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KsqldbClient } from '../rest/rest-test-helpers.js';
import { RealServer } from './real-server.js';

/** An INT key in the KAFKA format: 4 bytes big-endian. */
function intKey(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

const server = new RealServer();

beforeAll(async () => {
  await server.start();
  await server.admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: 'test_topic', numPartitions: 1 },
      { topic: 'three', numPartitions: 3 },
      { topic: 'empty', numPartitions: 2 },
    ],
  });
  await server.ksql(
    "CREATE STREAM S1 (MYKEY INT KEY, MYVALUE INT) WITH (kafka_topic='test_topic', value_format='JSON');" +
      " CREATE STREAM S3 (MYKEY INT KEY, MYVALUE INT) WITH (kafka_topic='three', value_format='JSON');" +
      " CREATE STREAM E (MYKEY INT KEY, MYVALUE INT) WITH (kafka_topic='empty', value_format='JSON');",
  );
  await server.producer.send({
    topic: 'test_topic',
    messages: [1, 2, 3, 4].map((v, i) => ({
      key: intKey(10 + i),
      value: JSON.stringify({ myvalue: v }),
      timestamp: String(12365 + i),
    })),
  });
  await server.producer.send({
    topic: 'three',
    messages: Array.from({ length: 9 }, (_, i) => ({
      key: intKey(i),
      value: JSON.stringify({ myvalue: i * 10 }),
      partition: i % 3,
    })),
  });
});
afterAll(async () => {
  await server.stop();
});

/** /query's answer: a JSON array of header, rows and final message. */
async function query(ksql: string, streamsProperties: Record<string, string> = {}) {
  const { status, text } = await server.post('/query', { ksql, streamsProperties });
  return { status, body: JSON.parse(text) as Record<string, unknown>[] };
}

describe('pull queries on streams', () => {
  it('/query reads the stream from its beginning, applies WHERE and the projection, and ends with "Query Completed"', async () => {
    const all = await query('SELECT * FROM S1;');
    expect(all.status).toBe(200);
    expect(all.body[0]).toMatchObject({ header: { schema: '`MYKEY` INTEGER, `MYVALUE` INTEGER' } });
    expect(all.body.slice(1)).toEqual([
      { row: { columns: [10, 1] } },
      { row: { columns: [11, 2] } },
      { row: { columns: [12, 3] } },
      { row: { columns: [13, 4] } },
      { finalMessage: 'Query Completed' },
    ]);
    const where = await query(
      'SELECT MYKEY, MYVALUE * 2 AS DOUBLEVALUE FROM S1 WHERE MYVALUE >= 2 AND MYVALUE < 4;',
    );
    expect(where.body[0]).toMatchObject({ header: { schema: '`MYKEY` INTEGER, `DOUBLEVALUE` INTEGER' } });
    expect(where.body.slice(1)).toEqual([
      { row: { columns: [11, 4] } },
      { row: { columns: [12, 6] } },
      { finalMessage: 'Query Completed' },
    ]);
  });

  it('stops at LIMIT with "Limit Reached"; an empty stream answers the header and "Query Completed"', async () => {
    const limited = await query('SELECT MYVALUE FROM S1 LIMIT 2;');
    expect(limited.body.slice(1)).toEqual([
      { row: { columns: [1] } },
      { row: { columns: [2] } },
      { finalMessage: 'Limit Reached' },
    ]);
    const empty = await query('SELECT * FROM E;');
    expect(empty.status).toBe(200);
    expect(empty.body).toHaveLength(2);
    expect(empty.body[1]).toEqual({ finalMessage: 'Query Completed' });
  });

  it('reads every partition of a multi-partition topic', async () => {
    const res = await query('SELECT MYKEY, MYVALUE FROM S3;');
    const rows = res.body.slice(1, -1).map((r) => (r.row as { columns: number[] }).columns);
    expect(rows.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))).toEqual(
      Array.from({ length: 9 }, (_, i) => [i, i * 10]),
    );
    expect(res.body.at(-1)).toEqual({ finalMessage: 'Query Completed' });
  });

  it('/query-stream over HTTP/2 answers the header with a query id, the rows, and ends', async () => {
    const session = http2.connect(server.rest.url);
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/query-stream',
          'content-type': 'application/json',
          accept: 'application/vnd.ksqlapi.delimited.v1',
        });
        let out = '';
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => {
          out += c;
        });
        stream.on('end', () => resolve(out));
        stream.on('error', reject);
        stream.end(JSON.stringify({ sql: 'SELECT * FROM S1 WHERE MYKEY > 11;' }));
      });
      const [header, ...rows] = text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l));
      expect(header).toMatchObject({
        columnNames: ['MYKEY', 'MYVALUE'],
        columnTypes: ['INTEGER', 'INTEGER'],
      });
      expect(header.queryId).toMatch(/^transient_S1_/);
      expect(rows).toEqual([
        [12, 3],
        [13, 4],
      ]);
    } finally {
      await new Promise<void>((resolve) => session.close(() => resolve()));
    }
  });

  it('the ksqldb-client npm package gets the rows with query()', async () => {
    const client = new KsqldbClient({ host: '127.0.0.1', port: server.rest.port });
    await client.connect();
    try {
      const res = await client.query('SELECT MYKEY FROM S1 WHERE MYVALUE = 3;');
      expect(res.status).toBe(200);
      expect(res.data?.metadata.columnNames).toEqual(['MYKEY']);
      expect(res.data?.rows).toEqual([{ MYKEY: 12 }]);
    } finally {
      await client.disconnect();
    }
  });

  it("refuses GROUP BY, WINDOW, ROWOFFSET and a disabled feature with ksqlDB's statement errors", async () => {
    const cases: [string, Record<string, string>, string][] = [
      [
        'SELECT * FROM S1 GROUP BY MYKEY;',
        {},
        "Pull queries don't support GROUP BY clauses. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.",
      ],
      ['SELECT * FROM S1 WINDOW TUMBLING (SIZE 1 SECOND);', {}, "Pull queries don't support WINDOW clauses."],
      [
        'SELECT mykey, myvalue, ROWOFFSET FROM S1;',
        {},
        "Pull queries don't support the following columns in SELECT clauses: `ROWOFFSET`",
      ],
      [
        'SELECT * FROM S1;',
        { 'ksql.query.pull.stream.enabled': 'false' },
        'Pull queries on streams are disabled.',
      ],
    ];
    for (const [sql, props, message] of cases) {
      const { status, text } = await server.post('/query', { ksql: sql, streamsProperties: props });
      expect(status, sql).toBe(400);
      const body = JSON.parse(text) as Record<string, unknown>;
      expect(body['@type']).toBe('statement_error');
      expect(body.error_code).toBe(40001);
      expect(body.message).toContain(message);
    }
  });
});
