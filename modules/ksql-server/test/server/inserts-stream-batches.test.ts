import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KsqldbClient } from '../rest/rest-test-helpers.js';
import { RealServer } from './real-server.js';

const server = new RealServer();
beforeAll(async () => {
  await server.start();
  await server.ksql(
    "CREATE STREAM READINGS (ID STRING KEY, V INT) WITH (kafka_topic='readings', partitions=1, value_format='JSON');",
  );
});
afterAll(() => server.stop());

/** One /inserts-stream request over node:http2 with all `lines` written at once; the answer's lines. */
function insertStream(lines: readonly string[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(server.rest.url);
    session.on('error', reject);
    const req = session.request({
      ':method': 'POST',
      ':path': '/inserts-stream',
      'content-type': 'application/vnd.ksqlapi.delimited.v1',
    });
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      text += c;
    });
    req.on('end', () => {
      session.close();
      resolve(
        text
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      );
    });
    req.on('error', reject);
    req.end(lines.map((l) => `${l}\n`).join(''));
  });
}

/** The stream's rows, by a pull query on it (read to the topic's end). */
async function storedValues(): Promise<number[]> {
  const { text } = await server.post('/query', { ksql: 'SELECT V FROM READINGS;' });
  return (JSON.parse(text) as Record<string, unknown>[])
    .filter((e) => 'row' in e)
    .map((e) => (e.row as { columns: number[] }).columns[0] as number);
}

describe('/inserts-stream writes rows that arrive together in batches', () => {
  it('acknowledges every row in order and stores them in order', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => JSON.stringify({ ID: `k${i}`, V: i }));
    const answer = await insertStream([JSON.stringify({ target: 'READINGS' }), ...rows]);
    expect(answer).toEqual(Array.from({ length: 1200 }, (_, seq) => ({ status: 'ok', seq })));
    expect(await storedValues()).toEqual(Array.from({ length: 1200 }, (_, i) => i));
  });

  it('on a bad row: the rows ahead of it are acknowledged and written, then its error; none after it', async () => {
    const before = (await storedValues()).length;
    const rows = [
      JSON.stringify({ ID: 'a', V: 5000 }),
      JSON.stringify({ ID: 'b', V: 5001 }),
      JSON.stringify({ ID: 'c', V: 'not a number' }),
      JSON.stringify({ ID: 'd', V: 5003 }),
    ];
    const answer = await insertStream([JSON.stringify({ target: 'READINGS' }), ...rows]);
    expect(answer.slice(0, 2)).toEqual([
      { status: 'ok', seq: 0 },
      { status: 'ok', seq: 1 },
    ]);
    expect(answer[2]).toMatchObject({ status: 'error', seq: 2, error_code: 40000 });
    expect(String(answer[2]?.message)).toContain('Failed to insert row 2 into READINGS');
    expect(answer).toHaveLength(3);
    const after = await storedValues();
    expect(after.slice(before)).toEqual([5000, 5001]);
  });

  it('the ksqldb-client npm package inserts a row and gets its ack', async () => {
    const client = new KsqldbClient({ host: '127.0.0.1', port: server.rest.port });
    await client.connect();
    try {
      const res = await client.insertInto('READINGS', { ID: 'z', V: 9999 });
      expect(res.status).toBe(200);
      expect((await storedValues()).at(-1)).toBe(9999);
    } finally {
      await client.disconnect();
    }
  });
});
