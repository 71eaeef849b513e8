import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealServer } from './real-server.js';

const server = new RealServer();
const BASE = Date.UTC(2024, 0, 1);

beforeAll(async () => {
  await server.start();
  await server.admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: 'print_t', numPartitions: 1 },
      { topic: 'live_t', numPartitions: 1 },
    ],
  });
  await server.producer.send({
    topic: 'print_t',
    messages: [0, 1, 2, 3].map((i) => ({
      key: `k${i}`,
      value: JSON.stringify({ a: i }),
      timestamp: String(BASE + i * 1000),
    })),
  });
});
afterAll(() => server.stop());

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe('PRINT on /query', () => {
  it("answers ksqlDB's format lines then one line per record, up to LIMIT", async () => {
    const res = await server.post('/query', { ksql: "PRINT 'print_t' FROM BEGINNING LIMIT 3;" });
    expect(res.status).toBe(200);
    expect(lines(res.text)).toEqual([
      'Key format: KAFKA_STRING',
      'Value format: JSON or KAFKA_STRING',
      'rowtime: 2024/01/01 00:00:00.000 Z, key: k0, value: {"a":0}, partition: 0',
      'rowtime: 2024/01/01 00:00:01.000 Z, key: k1, value: {"a":1}, partition: 0',
      'rowtime: 2024/01/01 00:00:02.000 Z, key: k2, value: {"a":2}, partition: 0',
    ]);
  });

  it('prints every n-th record with INTERVAL', async () => {
    const res = await server.post('/query', { ksql: 'PRINT print_t FROM BEGINNING INTERVAL 2 LIMIT 2;' });
    expect(lines(res.text).filter((l) => l.startsWith('rowtime'))).toEqual([
      'rowtime: 2024/01/01 00:00:00.000 Z, key: k0, value: {"a":0}, partition: 0',
      'rowtime: 2024/01/01 00:00:02.000 Z, key: k2, value: {"a":2}, partition: 0',
    ]);
  });

  it('without FROM BEGINNING prints records written after it started', async () => {
    // The consumer starts at the latest offset once it has joined: write until one is printed.
    const answer = fetch(new URL('/query', server.rest.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ksql: "PRINT 'live_t' LIMIT 1;" }),
    }).then(async (r) => ({ status: r.status, text: await r.text() }));
    let done = false;
    void answer.finally(() => {
      done = true;
    });
    for (let i = 0; !done && i < 150; i++) {
      await server.producer.send({ topic: 'live_t', messages: [{ key: 'alive', value: 'hello' }] });
      await new Promise((r) => setTimeout(r, 200));
    }
    const res = await answer;
    expect(res.status).toBe(200);
    const printed = lines(res.text);
    expect(printed.slice(0, 2)).toEqual(['Key format: KAFKA_STRING', 'Value format: KAFKA_STRING']);
    expect(printed[2]).toMatch(
      /^rowtime: \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{3} Z, key: alive, value: hello, partition: 0$/,
    );
    expect(printed).toHaveLength(3);
  });

  it('refuses an unknown topic with 400, and PRINT on /query-stream', async () => {
    const unknown = await server.post('/query', { ksql: "PRINT 'nope';" });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toMatchObject({
      error_code: 40000,
      message: expect.stringContaining("Could not find topic 'nope'"),
    });
    const stream = await fetch(new URL('/query-stream', server.rest.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ sql: "PRINT 'print_t' FROM BEGINNING;" }),
    });
    expect(stream.status).toBe(400);
    expect(await stream.json()).toMatchObject({ message: 'PRINT is served on the /query endpoint' });
  });
});
