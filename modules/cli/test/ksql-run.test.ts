import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runKsqlScript } from '../src/ksql/run-script.js';

interface Recorded {
  path: string;
  accept: string | undefined;
  body: { ksql: string; streamsProperties: Record<string, string> };
}

/**
 * Stands in for a ksqlDB server: records every request and answers with bodies shaped like the ones
 * ksqlDB's REST API documents (https://docs.ksqldb.io/en/latest/developer-guide/ksqldb-rest-api/ —
 * "Run a KSQL statement" for /ksql, "Run a query and stream back the output" for /query).
 */
async function fakeKsqlDb(answer: (req: Recorded) => { status: number; body: unknown }) {
  const recorded: Recorded[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const entry: Recorded = { path: req.url ?? '', accept: req.headers.accept, body: JSON.parse(text) };
    recorded.push(entry);
    const { status, body } = answer(entry);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, recorded, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const created = (statement: string) => ({
  status: 200,
  body: [
    {
      '@type': 'currentStatus',
      statementText: statement,
      commandId: 'stream/`X`/create',
      commandStatus: { status: 'SUCCESS', message: 'Stream created' },
      commandSequenceNumber: 2,
      warnings: [],
    },
  ],
});

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('meterstream ksql (REST submission)', () => {
  it('sends statements in order to /ksql, queries to /query, with SET properties', async () => {
    const server = await fakeKsqlDb((req) =>
      req.path === '/query'
        ? {
            status: 200,
            body: [
              { header: { queryId: 'query_1', schema: '`GATEWAY` STRING, `MESSAGES` BIGINT' } },
              { row: { columns: ['0', 42] } },
              { row: { columns: ['1', 7] } },
              { finalMessage: 'Query Completed' },
            ],
          }
        : created(req.body.ksql),
    );
    stop = server.close;
    const printed: string[] = [];
    const summary = await runKsqlScript({
      serverUrl: server.url,
      print: (line) => printed.push(line),
      script: [
        "SET 'auto.offset.reset'='earliest';",
        "CREATE STREAM s (k STRING KEY) WITH (KAFKA_TOPIC='metrics', VALUE_FORMAT='AVRO');",
        "CREATE TABLE t AS SELECT gateway, COUNT(*) FROM s WHERE note = 'a;b' GROUP BY gateway;",
        "SELECT * FROM t WHERE gateway = '0';",
      ].join('\n'),
    });
    expect(summary).toEqual({ executed: 4, total: 4 });
    expect(server.recorded.map((r) => r.path)).toEqual(['/ksql', '/ksql', '/query']);
    expect(server.recorded[0]!.body.ksql).toBe(
      "CREATE STREAM s (k STRING KEY) WITH (KAFKA_TOPIC='metrics', VALUE_FORMAT='AVRO');",
    );
    expect(server.recorded[1]!.body.ksql).toContain("note = 'a;b'");
    for (const r of server.recorded) {
      expect(r.body.streamsProperties).toEqual({ 'auto.offset.reset': 'earliest' });
      expect(r.accept).toBe('application/vnd.ksql.v1+json');
    }
    expect(printed).toContain('   SUCCESS: Stream created');
    expect(printed).toContain('   ["0",42]');
    expect(printed).toContain('   (2 rows, Query Completed)');
  });

  it("stops at the first failing statement with the server's message", async () => {
    const server = await fakeKsqlDb((req) =>
      req.body.ksql.startsWith('CREATE TABLE')
        ? {
            status: 400,
            body: {
              '@type': 'statement_error',
              error_code: 40001,
              message: "Invalid topic 'nope': topic does not exist",
              statementText: req.body.ksql,
              entities: [],
            },
          }
        : created(req.body.ksql),
    );
    stop = server.close;
    const run = runKsqlScript({
      serverUrl: server.url,
      print: () => {},
      script:
        "CREATE STREAM a (x INT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON');\n\nCREATE TABLE b (k STRING PRIMARY KEY) WITH (KAFKA_TOPIC='nope', VALUE_FORMAT='JSON');\nDROP STREAM a;",
    });
    await expect(run).rejects.toThrow(
      "statement on line 3 failed: Invalid topic 'nope': topic does not exist",
    );
    await expect(run).rejects.toMatchObject({ errorCode: 40001 });
    // the statement after the failure was never sent
    expect(server.recorded.map((r) => r.body.ksql.split(' ')[0])).toEqual(['CREATE', 'CREATE']);
  });

  it('treats a command status of ERROR in a 200 answer as a failure', async () => {
    const server = await fakeKsqlDb(() => ({
      status: 200,
      body: [
        {
          '@type': 'currentStatus',
          commandStatus: { status: 'ERROR', message: 'Could not write the statement' },
        },
      ],
    }));
    stop = server.close;
    await expect(
      runKsqlScript({ serverUrl: server.url, print: () => {}, script: 'DROP STREAM a;' }),
    ).rejects.toThrow('Could not write the statement');
  });

  it('says clearly when the server cannot be reached', async () => {
    await expect(
      runKsqlScript({ serverUrl: 'http://127.0.0.1:1', print: () => {}, script: 'SHOW TOPICS;' }),
    ).rejects.toThrow(/cannot reach ksqlDB at http:\/\/127.0.0.1:1/);
  });
});
