import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeKsqlBackend as fakeBackend, QTT_FIXTURES as fixtures } from '@meterstream/test-support/ksql';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, runQttFiles } from '../../src/qtt/qtt-runner.js';
import { formatReport, groupReasons, reportJson } from '../../src/qtt/qtt-report.js';
import { runTestCase } from '../../src/qtt/test-executor.js';
import { parseQttFile } from '../../src/qtt/test-loader.js';
import { runStandaloneTest } from '../../src/qtt/standalone-test.js';

const one = async (test: object) => {
  const file = parseQttFile(JSON.stringify({ tests: [test] }), 'adhoc.json');
  expect(file.invalid).toEqual([]);
  return runTestCase(file.tests[0], fakeBackend);
};

const CREATE_READINGS =
  "CREATE STREAM READINGS (GATEWAY STRING KEY, WATTS INT) WITH (KAFKA_TOPIC='readings', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');";

describe('QTT runner on our fixtures (fake engine)', () => {
  it('passes, chains queries, expands the format matrix, matches expected errors, reports unsupported', async () => {
    const summary = await runQttFiles([join(fixtures, 'passing')], fakeBackend);
    const byName = Object.fromEntries(summary.files[0].results.map((r) => [r.name, r]));
    expect(Object.keys(byName)).toEqual([
      'meter-streams - copy readings',
      'meter-streams - chained queries: a copy, then a filter on the copy',
      'meter-streams - string keys in every key format - KAFKA',
      'meter-streams - string keys in every key format - JSON',
      'meter-streams - string keys in every key format - DELIMITED',
      'meter-streams - selecting an unknown column is rejected',
      'meter-streams - avro readings with schema references',
    ]);
    for (const [name, r] of Object.entries(byName)) {
      if (name.endsWith('avro readings with schema references')) {
        expect(r).toMatchObject({ status: 'unsupported', feature: 'schema references in test topics' });
      } else expect(r.status, `${name}: ${r.message}`).toBe('passed');
    }
    expect(summary.totals).toEqual({ passed: 6, failed: 0, unsupported: 1, crashed: 0 });
    expect(summary.files[0].disabled).toBe(1);
    expect(exitCodeOf(summary)).toBe(0);
    expect(exitCodeOf(summary, true)).toBe(1);
  });

  it('reports the first differing record with expected and actual', async () => {
    const summary = await runQttFiles([join(fixtures, 'failing')], fakeBackend);
    const [wrong, right] = summary.files[0].results;
    expect(right.status).toBe('passed');
    expect(wrong.status).toBe('failed');
    expect(wrong.message).toBe(
      'Topic \'COPIED\', message 1: Expected <"gw-2", {"WATTS":61}> with timestamp=6 and headers=[] ' +
        'but was <"gw-2", {"WATTS": 60}> with timestamp=6 and headers=[]',
    );
    expect(exitCodeOf(summary)).toBe(1);
    const text = formatReport(summary);
    expect(text).toContain('wrong-watts.json: 1 passed, 1 failed, 0 unsupported, 0 crashed');
    expect(text).toContain('FAILED      wrong-watts - copy readings, expecting the wrong wattage');
    expect(text).toContain('Total: 1 passed, 1 failed, 0 unsupported, 0 crashed (1 files)');
    const json = reportJson(summary) as { totals: object; files: { tests: { status: string }[] }[] };
    expect(json.totals).toEqual({ passed: 1, failed: 1, unsupported: 0, crashed: 0 });
    expect(json.files[0].tests.map((t) => t.status)).toEqual(['failed', 'passed']);
  });

  it('filters tests by a name pattern', async () => {
    const summary = await runQttFiles([join(fixtures, 'passing')], fakeBackend, {
      filter: /key format - JSON$/,
    });
    expect(summary.files[0].results.map((r) => r.name)).toEqual([
      'meter-streams - string keys in every key format - JSON',
    ]);
  });

  it('counts a record-count mismatch as a failure listing the actual records', async () => {
    const r = await one({
      name: 'too few',
      statements: [CREATE_READINGS, 'CREATE STREAM COPIED AS SELECT * FROM READINGS;'],
      inputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 } }],
      outputs: [
        { topic: 'COPIED', key: 'a', value: { WATTS: 1 } },
        { topic: 'COPIED', key: 'a', value: { WATTS: 1 } },
      ],
    });
    expect(r.status).toBe('failed');
    expect(r.message).toContain('Topic COPIED. Expected <2> records but it was <1>');
    expect(r.message).toContain('<"a", {"WATTS": 1}> with timestamp=0');
  });

  it('fails a negative test whose error message differs, and one that does not fail at all', async () => {
    const differs = await one({
      name: 'other message',
      statements: [CREATE_READINGS, 'CREATE STREAM B AS SELECT VOLTS FROM READINGS;'],
      expectedException: { type: 'io.confluent.ksql.util.KsqlStatementException', message: 'Invalid join' },
    });
    expect(differs.status).toBe('failed');
    expect(differs.message).toContain('Expected exception message containing "Invalid join"');
    const noError = await one({
      name: 'no error',
      statements: [CREATE_READINGS, 'CREATE STREAM B AS SELECT * FROM READINGS;'],
      expectedException: { message: 'boom' },
    });
    expect(noError).toMatchObject({
      status: 'failed',
      message: 'Expected test to throw message containing "boom"',
    });
  });

  it('a negative test must fail at its last statement, as ksqlDB requires', async () => {
    const r = await one({
      name: 'early failure',
      statements: [
        CREATE_READINGS,
        'CREATE STREAM B AS SELECT VOLTS FROM READINGS;',
        'CREATE STREAM C AS SELECT * FROM READINGS;',
      ],
      expectedException: { message: "column 'VOLTS' cannot be resolved" },
    });
    expect(r.status).toBe('failed');
    expect(r.message).toBe(
      "Only the last statement in a negative test should fail. Yet this one failed: CREATE STREAM B AS SELECT VOLTS FROM READINGS; (SELECT column 'VOLTS' cannot be resolved.)",
    );
  });

  it('a StreamsException is expected while processing, so a statement error does not match it', async () => {
    const r = await one({
      name: 'streams exception',
      statements: [CREATE_READINGS, 'CREATE STREAM B AS SELECT VOLTS FROM READINGS;'],
      expectedException: { type: 'org.apache.kafka.streams.errors.StreamsException', message: 'VOLTS' },
    });
    expect(r.status).toBe('failed');
    expect(r.message).toContain('while processing records');
  });

  it('reports engine errors as crashed with the first stack frame, unsupported features by name', async () => {
    const crashed = await one({
      name: 'bug',
      statements: [CREATE_READINGS, 'CRASH;'],
      inputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 } }],
      outputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 } }],
    });
    expect(crashed.status).toBe('crashed');
    expect(crashed.message).toMatch(/^TypeError: .*deeper.* \(at .*fake-backend\.ts:\d+:\d+\)+$/);
    const unsupported = await one({
      name: 'window',
      statements: [
        CREATE_READINGS,
        'CREATE TABLE T AS SELECT GATEWAY, COUNT(*) FROM READINGS WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY GATEWAY;',
      ],
      inputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 } }],
      outputs: [{ topic: 'T', key: 'a', value: { KSQL_COL_0: 1 } }],
    });
    expect(unsupported).toMatchObject({ status: 'unsupported', feature: 'CREATE TABLE' });
  });

  it('a valid statement the engine refuses with a KSQL error fails with the message, not a crash', async () => {
    const r = await one({
      name: 'refused',
      statements: [CREATE_READINGS, 'CREATE STREAM B AS SELECT VOLTS FROM READINGS;'],
      inputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 } }],
      outputs: [{ topic: 'B', key: 'a', value: { VOLTS: 1 } }],
    });
    expect(r.status).toBe('failed');
    expect(r.message).toBe("Statement refused: SELECT column 'VOLTS' cannot be resolved.");
  });

  it('a test without queries fails as in ksqlDB', async () => {
    const r = await one({
      name: 'no query',
      statements: [CREATE_READINGS],
      inputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 } }],
      outputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 } }],
    });
    expect(r).toMatchObject({ status: 'failed', message: 'test did not generate any queries.' });
  });

  it('INSERT VALUES rows feed the queries, and their timestamps are ignored when expected as 0', async () => {
    const r = await one({
      name: 'inserts',
      statements: [
        CREATE_READINGS,
        'CREATE STREAM COPIED AS SELECT * FROM READINGS;',
        "INSERT INTO READINGS VALUES ('gw-5', 42);",
      ],
      outputs: [{ topic: 'COPIED', key: 'gw-5', value: { WATTS: 42 }, timestamp: 0 }],
    });
    expect(r.status, r.message).toBe('passed');
  });

  it('checks post.sources: a schema difference fails with both schemas', async () => {
    const r = await one({
      name: 'post',
      statements: [CREATE_READINGS, 'CREATE STREAM COPIED AS SELECT * FROM READINGS;'],
      inputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 } }],
      outputs: [{ topic: 'COPIED', key: 'a', value: { WATTS: 1 } }],
      post: { sources: [{ name: 'COPIED', type: 'stream', schema: 'GATEWAY STRING KEY, WATTS BIGINT' }] },
    });
    expect(r).toMatchObject({
      status: 'failed',
      message:
        'post: source COPIED: schema expected `GATEWAY` STRING KEY, `WATTS` BIGINT but was `GATEWAY` STRING KEY, `WATTS` INTEGER',
    });
    const missing = await one({
      name: 'post missing',
      statements: [CREATE_READINGS, 'CREATE STREAM COPIED AS SELECT * FROM READINGS;'],
      inputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 } }],
      outputs: [{ topic: 'COPIED', key: 'a', value: { WATTS: 1 } }],
      post: { sources: [{ name: 'OTHER', type: 'table' }], topics: { blacklist: 'COP.*' } },
    });
    expect(missing.message).toBe(
      'post: expected source OTHER (TABLE) but the metastore has: STREAM:READINGS, STREAM:COPIED',
    );
    const blacklisted = await one({
      name: 'post blacklist',
      statements: [CREATE_READINGS, 'CREATE STREAM COPIED AS SELECT * FROM READINGS;'],
      inputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 } }],
      outputs: [{ topic: 'COPIED', key: 'a', value: { WATTS: 1 } }],
      post: { topics: { blacklist: 'COP.*' } },
    });
    expect(blacklisted.message).toBe('post: blacklisted topics found: COPIED');
  });

  it('expected headers must be there, and absent ones mean none', async () => {
    const r = await one({
      name: 'headers',
      statements: [CREATE_READINGS, 'CREATE STREAM COPIED AS SELECT * FROM READINGS;'],
      inputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 }, headers: [{ KEY: 'h', VALUE: 'AQI=' }] }],
      outputs: [{ topic: 'COPIED', key: 'a', value: { WATTS: 1 }, headers: [{ KEY: 'h', VALUE: 'AQI=' }] }],
    });
    expect(r.status, r.message).toBe('passed');
    const r2 = await one({
      name: 'headers absent',
      statements: [CREATE_READINGS, 'CREATE STREAM COPIED AS SELECT * FROM READINGS;'],
      inputs: [{ topic: 'readings', key: 'a', value: { WATTS: 1 }, headers: [{ KEY: 'h', VALUE: 'AQI=' }] }],
      outputs: [{ topic: 'COPIED', key: 'a', value: { WATTS: 1 } }],
    });
    expect(r2.status).toBe('failed');
    expect(r2.message).toContain('headers=[{KEY=h,VALUE=AQI=}]');
  });

  it('groups reasons with specifics masked', async () => {
    const summary = await runQttFiles([join(fixtures, 'failing'), join(fixtures, 'passing')], fakeBackend);
    const groups = groupReasons(summary.files.flatMap((f) => f.results));
    expect(groups).toEqual([
      {
        status: 'failed',
        reason: 'Topic T: Expected <record> but was <other record>',
        count: 1,
        example: expect.any(String),
      },
      {
        status: 'unsupported',
        reason: 'schema references in test topics',
        count: 1,
        example: 'meter-streams - avro readings with schema references',
      },
    ]);
  });

  it('reports a file that is not JSON as crashed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qtt-'));
    writeFileSync(join(dir, 'broken.json'), '{"tests": [ {');
    const summary = await runQttFiles([dir], fakeBackend);
    expect(summary.totals.crashed).toBe(1);
    expect(summary.files[0].results[0].message).toMatch(
      /^cannot load: unexpected character|^cannot load: expected/,
    );
  });
});

describe('standalone test (sql, input and output files)', () => {
  const files = (output: string) => ({
    sqlFile: join(fixtures, 'standalone/statements.sql'),
    inputFile: join(fixtures, 'standalone/input.json'),
    outputFile: join(fixtures, `standalone/${output}`),
  });

  it('prints >>> Test passed! when the outputs match', async () => {
    const printed: string[] = [];
    const r = await runStandaloneTest(files('output.json'), fakeBackend, (l) => printed.push(l));
    expect(printed).toEqual(['\t >>> Test passed!']);
    expect(r.exitCode).toBe(0);
  });

  it('prints the difference and exits 1 when they do not', async () => {
    const printed: string[] = [];
    const r = await runStandaloneTest(files('output-wrong.json'), fakeBackend, (l) => printed.push(l));
    expect(printed).toEqual([
      '\t>>>>> Test failed: Topic \'HIGH\', message 1: Expected <"gw-2", {"WATTS":40}> with timestamp=5 and headers=[] ' +
        'but was <"gw-1", {"WATTS": 101}> with timestamp=9 and headers=[]',
    ]);
    expect(r.exitCode).toBe(1);
  });

  it('rejects an input file without an inputs array', async () => {
    const printed: string[] = [];
    const r = await runStandaloneTest(
      { ...files('output.json'), inputFile: files('output.json').outputFile },
      fakeBackend,
      (l) => printed.push(l),
    );
    expect(r.exitCode).toBe(1);
    expect(printed[0]).toMatch(
      /^Invalid arguments: File name: .*output.json Message: expected an object with a "inputs" array$/,
    );
  });
});
