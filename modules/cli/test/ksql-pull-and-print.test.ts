import { type KsqlStack, startKsqlStack } from './helpers/ksql-stack.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KsqlSession } from '../src/ksql/ksql-session.js';

let stack: KsqlStack;

beforeAll(async () => {
  stack = await startKsqlStack('ksql-stream-pull', { 'ksql.logging.processing.stream.auto.create': 'false' });
});

afterAll(() => stack?.close());

describe('meterstream ksql: a pull query on a stream', () => {
  it('prints the rows read so far as a finite table, then the prompt goes on', async () => {
    const printed: string[] = [];
    const session = new KsqlSession(stack.url, (line) => printed.push(line));
    await session.runScript(
      "CREATE STREAM readings (meter STRING KEY, kwh DOUBLE) WITH (KAFKA_TOPIC='readings', PARTITIONS=1, VALUE_FORMAT='JSON');\n" +
        "INSERT INTO readings (meter, kwh) VALUES ('m1', 2.5);\n" +
        "INSERT INTO readings (meter, kwh) VALUES ('m2', 7.5);\n" +
        "INSERT INTO readings (meter, kwh) VALUES ('m3', 1.0);\n",
    );
    printed.length = 0;
    // No EMIT CHANGES: the statement returns by itself once the stream's current end is read.
    await session.run('SELECT meter, kwh FROM readings WHERE kwh > 2;');
    const table = printed.filter((l) => l.startsWith('|'));
    expect(table[0]).toMatch(/^\|METER\s+\|KWH\s+\|$/);
    expect(table.slice(1)).toEqual([
      expect.stringMatching(/^\|m1\s+\|2\.5\s+\|$/),
      expect.stringMatching(/^\|m2\s+\|7\.5\s+\|$/),
    ]);
    expect(printed.at(-1)).toBe('Query terminated');

    printed.length = 0;
    await expect(session.run('SELECT meter FROM readings GROUP BY meter;')).rejects.toThrow(
      "Pull queries don't support GROUP BY clauses.",
    );
  }, 90_000);
});

describe('meterstream ksql: PRINT', () => {
  it("prints ksqlDB's format and record lines as the server streams them", async () => {
    const printed: string[] = [];
    const session = new KsqlSession(stack.url, (line) => printed.push(line));
    await session.runScript(
      "CREATE STREAM notes (id STRING KEY, txt STRING) WITH (KAFKA_TOPIC='notes', PARTITIONS=1, VALUE_FORMAT='JSON');\n" +
        "INSERT INTO notes (id, txt, ROWTIME) VALUES ('n1', 'one', 0);\n" +
        "INSERT INTO notes (id, txt, ROWTIME) VALUES ('n2', 'two', 1000);\n",
    );
    printed.length = 0;
    await session.run("PRINT 'notes' FROM BEGINNING LIMIT 2;");
    expect(printed).toEqual([
      'Key format: KAFKA_STRING',
      'Value format: JSON or KAFKA_STRING',
      'rowtime: 1970/01/01 00:00:00.000 Z, key: n1, value: {"TXT":"one"}, partition: 0',
      'rowtime: 1970/01/01 00:00:01.000 Z, key: n2, value: {"TXT":"two"}, partition: 0',
    ]);
    await expect(session.run("PRINT 'missing';")).rejects.toThrow("Could not find topic 'missing'");
  }, 90_000);
});
