import type http2 from 'node:http2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
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

const CREATE_S =
  "CREATE STREAM S (ID INT KEY, NAME STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');";

describe('POST /inserts-stream', () => {
  let t: Started;
  let session: http2.ClientHttp2Session;
  beforeEach(async () => {
    t = await startTestServer({ maxRequestBytes: 64 * 1024 });
    expect((await h1Request(t.server, 'POST', '/ksql', json({ ksql: CREATE_S }))).status).toBe(200);
    session = await h2Connect(t.server);
  });
  afterEach(async () => {
    await h2Close(session);
    await t.server.close();
  });

  it('inserts a row through the ksqldb-client npm package', async () => {
    const client = new KsqldbClient({ host: '127.0.0.1', port: t.server.port });
    await client.connect();
    try {
      const res = await client.insertInto('s', { ID: 1, NAME: 'one' });
      expect(res.status).toBe(200);
      expect(res.data.rows).toEqual([{ status: 'ok', seq: 0 }]);
      expect(t.service.inserted).toEqual([{ target: 'S', row: { ID: 1, NAME: 'one' } }]);
    } finally {
      await client.disconnect();
    }
  });

  it('acknowledges each row newline-delimited, in order, as the rows arrive', async () => {
    const body = [
      json({ target: 'S' }),
      ...Array.from({ length: 5 }, (_, i) => json({ ID: i, NAME: `n${i}` })),
    ].join('\n');
    const res = await h2Request(session, 'POST', '/inserts-stream', body, {
      accept: 'application/vnd.ksqlapi.delimited.v1',
    });
    expect(res.status).toBe(200);
    expect(
      res.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(Array.from({ length: 5 }, (_, seq) => ({ status: 'ok', seq })));
    expect(t.service.inserted.map((r) => r.row.ID)).toEqual([0, 1, 2, 3, 4]);
  });

  it('ends the stream at an invalid JSON row with an InsertError naming its seq; rows before stay written', async () => {
    const body = `${json({ target: 'S' })}\n${json({ ID: 1 })}\n{"ID": oops}\n${json({ ID: 3 })}\n`;
    const res = await h2Request(session, 'POST', '/inserts-stream', body);
    expect(res.status).toBe(200);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { status: 'ok', seq: 0 },
      {
        '@type': 'generic_error',
        status: 'error',
        seq: 1,
        error_code: 40000,
        message: 'Invalid JSON in inserts stream',
      },
    ]);
    expect(t.service.inserted.map((r) => r.row.ID)).toEqual([1]);
  });

  it("reports the service's error for a bad row with that row's seq", async () => {
    const body = `${json({ target: 'S' })}\n${json({ ID: 1 })}\n${json({ NOPE: 2 })}\n`;
    const res = await h2Request(session, 'POST', '/inserts-stream', body, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual([
      { status: 'ok', seq: 0 },
      {
        '@type': 'generic_error',
        status: 'error',
        seq: 1,
        error_code: 40000,
        message: 'Row 1: unknown column NOPE in S',
      },
    ]);
  });

  it('answers an unknown target with an HTTP error, and HTTP/1.1 with 40004 as ksqlDB', async () => {
    const unknown = await h2Request(
      session,
      'POST',
      '/inserts-stream',
      `${json({ target: 'NOPE' })}\n${json({ ID: 1 })}\n`,
    );
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toEqual({
      '@type': 'generic_error',
      error_code: 40001,
      message: 'Cannot insert values into an unknown stream: NOPE',
    });
    const badArgs = await h2Request(session, 'POST', '/inserts-stream', '{"target": \n');
    expect(badArgs.status).toBe(400);
    expect(JSON.parse(badArgs.text).error_code).toBe(40000);
    const h1 = await h1Request(t.server, 'POST', '/inserts-stream', `${json({ target: 'S' })}\n`);
    expect(h1.status).toBe(400);
    expect(JSON.parse(h1.text)).toEqual({
      '@type': 'generic_error',
      error_code: 40004,
      message: 'This endpoint is only available when using HTTP2',
    });
  });

  it('acks rows of a long-lived stream while the client is still sending', async () => {
    const stream = session.request({ ':method': 'POST', ':path': '/inserts-stream' });
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => {
      text += c;
    });
    const closed = new Promise((r) => stream.on('close', r));
    stream.write(`${json({ target: 'S' })}\n`);
    stream.write(`${json({ ID: 10, NAME: 'ten' })}\n`);
    await waitFor(() => text.includes('"seq":0'), 'the first ack before the request ended');
    stream.end(`${json({ ID: 11, NAME: 'eleven' })}\n`);
    await closed;
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([0, 1]);
  });

  it('refuses a row line longer than maxRequestBytes with 41300 after the rows before it', async () => {
    const big = json({ ID: 2, NAME: 'x'.repeat(70 * 1024) });
    const open = h2Open(session, '/inserts-stream', `${json({ target: 'S' })}\n${json({ ID: 1 })}\n${big}\n`);
    await open.ended;
    const lines = open.lines().map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ status: 'ok', seq: 0 });
    expect(lines[1]).toMatchObject({ status: 'error', seq: 1, error_code: 41300 });
    expect(t.service.inserted).toHaveLength(1);
  });
});
