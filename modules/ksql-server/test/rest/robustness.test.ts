import net from 'node:net';
import type http2 from 'node:http2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  h1Open,
  h1Request,
  h2Close,
  h2Connect,
  h2Open,
  h2Request,
  json,
  type OpenStream,
  type Started,
  startTestServer,
  waitFor,
  waitUntilSteady,
} from './rest-test-helpers.js';

const CREATE_S =
  "CREATE STREAM S (ID INT KEY, NAME STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');";
const PUSH = json({ sql: 'SELECT * FROM S EMIT CHANGES;' });

describe('robustness', () => {
  let t: Started;
  beforeEach(async () => {
    t = await startTestServer({ maxRequestBytes: 16 * 1024 });
    expect((await h1Request(t.server, 'POST', '/ksql', json({ ksql: CREATE_S }))).status).toBe(200);
  });
  afterEach(async () => {
    await t.server.close();
  });

  it('refuses an oversized request with 413 and a JSON error over HTTP/1.1 and HTTP/2, then serves on', async () => {
    const big = json({ ksql: `SHOW STREAMS; -- ${'x'.repeat(64 * 1024)}` });
    const h1 = await h1Request(t.server, 'POST', '/ksql', big);
    expect(h1.status).toBe(413);
    expect(JSON.parse(h1.text)).toMatchObject({ '@type': 'generic_error', error_code: 41300 });
    // Without a Content-Length (chunked), the limit is enforced while reading.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = net.connect(t.server.port, '127.0.0.1', () => {
        req.write(
          'POST /ksql HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n',
        );
        const chunk = 'y'.repeat(8 * 1024);
        for (let i = 0; i < 4; i++) req.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      });
      let text = '';
      req.on('data', (d) => {
        text += d.toString();
        const m = /^HTTP\/1\.1 (\d+)/.exec(text);
        if (m) {
          resolve(Number(m[1]));
          req.destroy();
        }
      });
      req.on('error', reject);
    });
    expect(chunked).toBe(413);
    const session = await h2Connect(t.server);
    try {
      const h2 = await h2Request(
        session,
        'POST',
        '/query-stream',
        json({ sql: `SELECT * FROM S; -- ${'x'.repeat(64 * 1024)}` }),
      );
      expect(h2.status).toBe(413);
      expect(JSON.parse(h2.text).error_code).toBe(41300);
      // The session survives the refused stream.
      expect((await h2Request(session, 'GET', '/info')).status).toBe(200);
    } finally {
      await h2Close(session);
    }
    expect((await h1Request(t.server, 'GET', '/info')).status).toBe(200);
  });

  it('survives garbage on a connection and malformed HTTP', async () => {
    const answer = await new Promise<string>((resolve) => {
      const s = net.connect(t.server.port, '127.0.0.1', () => s.write('\x00\x01 not http at all\r\n\r\n'));
      let text = '';
      s.on('data', (d) => {
        text += d.toString();
      });
      s.on('close', () => resolve(text));
      s.on('error', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const badPreface = await new Promise<void>((resolve) => {
      // Starts like the HTTP/2 preface, then a broken frame.
      const s = net.connect(t.server.port, '127.0.0.1', () =>
        s.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\xff\xff\xff\xff\xff\xff\xff\xff\xff'),
      );
      s.on('close', () => resolve());
      s.on('error', () => resolve());
      s.resume();
    });
    expect(badPreface).toBeUndefined();
    expect((await h1Request(t.server, 'GET', '/healthcheck')).status).toBe(200);
  });

  it('a client that stops reading stalls only its own push query; others are served meanwhile', async () => {
    t.service.endlessRows = (n) => [n, 'x'.repeat(1000)];
    const session = await h2Connect(t.server);
    try {
      const started = t.service.nextPushQuery();
      const stalled = h2Open(session, '/query-stream', PUSH);
      const q = await started;
      await waitFor(() => stalled.text.length > 0, 'the first rows');
      stalled.pause();
      // The server stops pulling rows once the stream's flow-control window and buffers are full.
      const pulled = await waitUntilSteady(() => q.pulled, 'rows pulled for a paused client');
      // Bounded by the connection's buffers (a few MB of 1 KB rows), not all the endless query has.
      expect(pulled).toBeLessThan(20_000);
      // Meanwhile the server answers on another connection and on the same session.
      expect((await h1Request(t.server, 'POST', '/ksql', json({ ksql: 'SHOW STREAMS;' }))).status).toBe(200);
      expect((await h2Request(session, 'GET', '/info')).status).toBe(200);
      t.service.endlessRows = undefined;
      const other = t.service.nextPushQuery();
      const flowing = h1Open(t.server, '/query-stream', PUSH);
      const q2 = await other;
      q2.push([1, 'a']);
      await waitFor(() => flowing.lines().length === 2, 'the other query row');
      q2.end();
      await flowing.ended;
      stalled.abort();
      await q.whenClosed();
    } finally {
      await h2Close(session);
    }
  });

  it('200 concurrent push queries (HTTP/2 and HTTP/1.1) with stalled readers keep memory bounded and all close on disconnect', async () => {
    t.service.endlessRows = (n) => [n, 'y'.repeat(500)];
    const sessions: http2.ClientHttp2Session[] = [];
    for (let i = 0; i < 2; i++) sessions.push(await h2Connect(t.server));
    const before = process.memoryUsage().heapUsed;
    const opens: OpenStream[] = [];
    for (let i = 0; i < 200; i++) {
      // Each client reads its first chunk, then stops reading.
      const open =
        i % 2 === 0
          ? h2Open(
              sessions[(i / 2) % 2] as http2.ClientHttp2Session,
              '/query-stream',
              PUSH,
              {},
              { pauseOnFirstData: true },
            )
          : h1Open(t.server, '/query-stream', PUSH, {}, { pauseOnFirstData: true });
      opens.push(open);
    }
    await waitFor(
      () => t.service.pushQueries.length === 200 && opens.every((o) => o.text.length > 0),
      '200 streaming queries',
    );
    const total = await waitUntilSteady(
      () => t.service.pushQueries.reduce((n, q) => n + q.pulled, 0),
      'rows pulled for 200 paused clients',
    );
    const grown = process.memoryUsage().heapUsed - before;
    // Each stalled query is held to what its connection buffers (loopback socket buffers, the
    // paused client's, HTTP/2 windows: ~2-4 MB measured, i.e. 4 000-8 000 rows of 0.5 KB) — bounded
    // (pulling stopped: waitUntilSteady returned), not all the endless query has.
    for (const q of t.service.pushQueries) expect(q.pulled).toBeLessThan(20_000);
    expect(total).toBeGreaterThan(0);
    expect(grown).toBeLessThan(512 * 1024 * 1024);
    for (const o of opens) o.abort();
    await Promise.all(t.service.pushQueries.map((q) => q.whenClosed()));
    expect(t.service.pushQueries.every((q) => q.closed)).toBe(true);
    for (const s of sessions) s.destroy();
  });

  it('closing the server closes the push queries it streams', async () => {
    const started = t.service.nextPushQuery();
    const open = h1Open(t.server, '/query-stream', PUSH);
    const q = await started;
    await waitFor(() => open.lines().length === 1, 'the header');
    await t.server.close();
    expect(q.closed).toBe(true);
    await open.ended;
  });
});
