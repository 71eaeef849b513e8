import type http2 from 'node:http2';
import { Decimal } from '@meterstream/ksql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  h1Open,
  h1Request,
  h2Close,
  h2Connect,
  h2Open,
  h2Request,
  json,
  KsqldbClient,
  type Started,
  startTestServer,
  waitFor,
} from './rest-test-helpers.js';

const SETUP =
  "CREATE STREAM S (ID INT KEY, NAME STRING, AMOUNT DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');" +
  ' CREATE TABLE T AS SELECT ID, COUNT(*) AS N FROM S GROUP BY ID;';
const PUSH = 'SELECT * FROM S EMIT CHANGES;';
const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';

describe('query endpoints', () => {
  let t: Started;
  let session: http2.ClientHttp2Session;
  beforeEach(async () => {
    t = await startTestServer();
    const res = await h1Request(t.server, 'POST', '/ksql', json({ ksql: SETUP }));
    expect(res.status).toBe(200);
    session = await h2Connect(t.server);
  });
  afterEach(async () => {
    await h2Close(session);
    await t.server.close();
  });

  it('/query-stream over HTTP/2 streams a push query newline-delimited until /close-query', async () => {
    const started = t.service.nextPushQuery();
    const open = h2Open(
      session,
      '/query-stream',
      json({ sql: PUSH, properties: { 'auto.offset.reset': 'earliest' } }),
    );
    const q = await started;
    await waitFor(() => open.lines().length === 1, 'the header line');
    expect(open.status).toBe(200);
    expect(open.headers['content-type']).toBe(DELIMITED);
    expect(JSON.parse(open.lines()[0] as string)).toEqual({
      queryId: q.id,
      columnNames: ['ID', 'NAME', 'AMOUNT'],
      columnTypes: ['INTEGER', 'STRING', 'DOUBLE'],
    });
    expect(t.service.requests.at(-1)?.request.properties).toEqual({ 'auto.offset.reset': 'earliest' });
    q.push([1, 'a', 1.5], [2, 'b', null]);
    await waitFor(() => open.lines().length === 3, 'two rows');
    expect(
      open
        .lines()
        .slice(1)
        .map((l) => JSON.parse(l)),
    ).toEqual([
      [1, 'a', 1.5],
      [2, 'b', null],
    ]);
    const closed = await h2Request(session, 'POST', '/close-query', json({ queryId: q.id }));
    expect(closed.status).toBe(200);
    await open.ended;
    expect(q.closed).toBe(true);
    expect(open.lines()).toHaveLength(3);
  });

  it('/query-stream over HTTP/1.1 answers application/json as one JSON array, ending at LIMIT', async () => {
    const started = t.service.nextPushQuery();
    // (The engine's push plan keeps the key column ID in the result: the columns are the handle's.)
    const open = h1Open(
      t.server,
      '/query-stream',
      json({ sql: 'SELECT NAME FROM S EMIT CHANGES LIMIT 2;' }),
      {
        accept: 'application/json',
      },
    );
    const q = await started;
    q.push([1, 'x'], [2, 'y']);
    q.end();
    await open.ended;
    expect(open.status).toBe(200);
    expect(open.headers['content-type']).toBe('application/json');
    expect(open.headers['transfer-encoding']).toBe('chunked');
    expect(JSON.parse(open.text)).toEqual([
      { queryId: q.id, columnNames: ['ID', 'NAME'], columnTypes: ['INTEGER', 'STRING'] },
      [1, 'x'],
      [2, 'y'],
    ]);
  });

  it('the ksqldb-client npm package runs a pull query and a push query it then terminates', async () => {
    const client = new KsqldbClient({ host: '127.0.0.1', port: t.server.port });
    await client.connect();
    try {
      t.service.pullRows = [
        [1, 5],
        [2, 7],
      ];
      const pull = await client.query('SELECT * FROM T;');
      expect(pull.status).toBe(200);
      expect(pull.data?.metadata.columnNames).toEqual(['ID', 'N']);
      expect(pull.data?.metadata.columnTypes).toEqual(['INTEGER', 'BIGINT']);
      expect(pull.data?.rows).toEqual([
        { ID: 1, N: 5 },
        { ID: 2, N: 7 },
      ]);

      const received: unknown[] = [];
      let queryId: string | undefined;
      const started = t.service.nextPushQuery();
      const streaming = client.streamQuery('SELECT * FROM S EMIT CHANGES;', (data) => {
        queryId ??= data.metadata?.queryId;
        for (const r of data.rows ?? []) received.push(r);
      });
      const q = await started;
      await waitFor(() => queryId !== undefined, 'the push query header');
      expect(queryId).toBe(q.id);
      q.push([7, 'seven', 7.5]);
      await waitFor(() => received.length === 1, 'a pushed row');
      expect(received).toEqual([{ ID: 7, NAME: 'seven', AMOUNT: 7.5 }]);
      const terminated = await client.terminatePushQuery(q.id);
      expect(terminated.status).toBe(200);
      const ended = await streaming;
      expect(ended.status).toBe(200);
      expect(q.closed).toBe(true);
    } finally {
      await client.disconnect();
    }
  });

  for (const protocol of ['HTTP/2', 'HTTP/1.1'] as const) {
    it(`a client that goes away (${protocol}) closes its push query`, async () => {
      const started = t.service.nextPushQuery();
      const open =
        protocol === 'HTTP/2'
          ? h2Open(session, '/query-stream', json({ sql: PUSH }))
          : h1Open(t.server, '/query-stream', json({ sql: PUSH }));
      const q = await started;
      q.push([1, 'a', 1]);
      await waitFor(() => open.lines().length === 2, 'header and a row');
      expect(q.closed).toBe(false);
      open.abort();
      await q.whenClosed();
      expect(q.closed).toBe(true);
      // The server no longer streams it: /close-query does not know it.
      await waitFor(() => q.closeCalls >= 1, 'close');
      const closeAgain = await h1Request(t.server, 'POST', '/close-query', json({ queryId: q.id }));
      expect(closeAgain.status).toBe(400);
    });
  }

  it('/query (the HTTP/1.1 API) streams header, rows and "Limit Reached" as one JSON array', async () => {
    const started = t.service.nextPushQuery();
    const open = h1Open(
      t.server,
      '/query',
      json({ ksql: 'SELECT * FROM S EMIT CHANGES LIMIT 2;', streamsProperties: {} }),
      {
        accept: 'application/vnd.ksql.v1+json',
      },
    );
    const q = await started;
    q.push([1, 'a', 1.5], [2, 'b', 2.5]);
    q.end();
    await open.ended;
    expect(open.status).toBe(200);
    expect(open.headers['content-type']).toBe('application/vnd.ksql.v1+json');
    expect(JSON.parse(open.text)).toEqual([
      { header: { queryId: q.id, schema: '`ID` INTEGER, `NAME` STRING, `AMOUNT` DOUBLE' } },
      { row: { columns: [1, 'a', 1.5] } },
      { row: { columns: [2, 'b', 2.5] } },
      { finalMessage: 'Limit Reached' },
    ]);
  });

  it('/query stopped by /close-query ends without a final message; a pull query on /query completes', async () => {
    const started = t.service.nextPushQuery();
    const open = h1Open(t.server, '/query', json({ ksql: PUSH }));
    const q = await started;
    q.push([1, 'a', 1.5]);
    await waitFor(() => open.text.includes('"row"'), 'a row');
    expect((await h1Request(t.server, 'POST', '/close-query', json({ queryId: q.id }))).status).toBe(200);
    await open.ended;
    expect(JSON.parse(open.text)).toEqual([
      { header: { queryId: q.id, schema: '`ID` INTEGER, `NAME` STRING, `AMOUNT` DOUBLE' } },
      { row: { columns: [1, 'a', 1.5] } },
    ]);

    t.service.pullRows = [[3, 9]];
    const pull = await h1Request(t.server, 'POST', '/query', json({ ksql: 'SELECT * FROM T WHERE ID = 3;' }));
    expect(pull.status).toBe(200);
    const [header, row] = JSON.parse(pull.text);
    expect(header.header.schema).toBe('`ID` INTEGER, `N` BIGINT');
    expect(row).toEqual({ row: { columns: [3, 9] } });
  });

  it('writes MAP, DECIMAL and BYTES values as ksqlDB JSON does', async () => {
    const started = t.service.nextPushQuery();
    const open = h2Open(session, '/query-stream', json({ sql: PUSH }));
    const q = await started;
    q.push([new Map([['k', 1]]), new Decimal(1234n, 2), Buffer.from('hi')]);
    q.end();
    await open.ended;
    expect(JSON.parse(open.lines()[1] as string)).toEqual([
      { k: 1 },
      12.34,
      Buffer.from('hi').toString('base64'),
    ]);
  });

  it('answers query errors as ksqlDB: bad statement 40001, bad JSON 40000, unacceptable type 406, unknown query 400', async () => {
    const bad = await h2Request(
      session,
      'POST',
      '/query-stream',
      json({ sql: 'SELECT * FROM NOPE EMIT CHANGES;' }),
    );
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({
      '@type': 'statement_error',
      error_code: 40001,
      statementText: 'SELECT * FROM NOPE EMIT CHANGES;',
    });
    // A ServiceError naming its statement is a statement_error with the service's code.
    const notAQuery = await h2Request(session, 'POST', '/query-stream', json({ sql: 'SHOW STREAMS;' }));
    expect(notAQuery.status).toBe(400);
    expect(JSON.parse(notAQuery.text)).toEqual({
      '@type': 'statement_error',
      error_code: 40001,
      message: 'Expected exactly one query statement',
      statementText: 'SHOW STREAMS;',
      entities: [],
    });
    const badJson = await h2Request(session, 'POST', '/query-stream', '{"sql": ');
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.text)).toMatchObject({ '@type': 'generic_error', error_code: 40000 });
    const noSql = await h1Request(t.server, 'POST', '/query', json({ sql: PUSH }));
    expect(noSql.status).toBe(400);
    expect(JSON.parse(noSql.text).error_code).toBe(40000);
    const html = await h2Request(session, 'POST', '/query-stream', json({ sql: PUSH }), {
      accept: 'text/html',
    });
    expect(html.status).toBe(406);
    const unknown = await h2Request(session, 'POST', '/close-query', json({ queryId: 'transient_X_99' }));
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toEqual({
      '@type': 'generic_error',
      error_code: 40000,
      message: 'No query with id transient_X_99',
    });
  });

  it('a push query failing while streaming ends its answer with an error message and is closed', async () => {
    const started = t.service.nextPushQuery();
    const open = h2Open(session, '/query-stream', json({ sql: PUSH }));
    const q = await started;
    q.push([1, 'a', 1]);
    await waitFor(() => open.lines().length === 2, 'a row');
    q.fail(new Error('store went away'));
    await open.ended;
    const last = JSON.parse(open.lines().at(-1) as string);
    // Not a client's fault: ksqlDB's 50000 without internal details.
    expect(last).toMatchObject({ '@type': 'generic_error', error_code: 50000 });
    expect(q.closed).toBe(true);
  });
});
