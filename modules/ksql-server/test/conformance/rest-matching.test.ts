import { parseJson } from '@meterstream/ksql';
import { describe, expect, it } from 'vitest';
import { matchExpectedError, matchResponses } from '../../src/conformance/response-matcher.js';
import { parseRestTestFile } from '../../src/conformance/rest-test-case.js';

// Tiny case files written for these tests, in the shape of ksqlDB's rest-query-validation-tests.
const FILE = JSON.stringify({
  tests: [
    {
      name: 'lookup',
      format: ['JSON', 'AVRO'],
      statements: [
        "CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='t', value_format='{FORMAT}');",
        'SELECT * FROM T;',
      ],
      inputs: [{ topic: 't', key: 'a', value: { V: 1.0 } }],
      responses: [{ admin: { '@type': 'currentStatus' } }, { query: [{ header: {} }] }],
      properties: { 'ksql.query.pull.table.scan.enabled': false },
      outputConditions: { verifyOrder: true },
    },
    { name: 'off', enabled: false, statements: ['SELECT 1;'] },
    { name: 'broken', statements: [] },
  ],
});

const json = (text: string) => parseJson(text);

describe('rest test files', () => {
  it('expand the format matrix, substitute {FORMAT}, keep numbers exact and count disabled and invalid cases', () => {
    const f = parseRestTestFile(FILE, '/x/my-cases.json');
    expect(f.cases.map((c) => c.name)).toEqual(['my-cases - lookup - JSON', 'my-cases - lookup - AVRO']);
    expect(f.cases[1].statements[0]).toContain("value_format='AVRO'");
    expect(f.cases[0].verifyOrder).toBe(true);
    expect(f.cases[0].properties['ksql.query.pull.table.scan.enabled']).toBe(false);
    expect(f.cases[0].responses.map((r) => r.type)).toEqual(['admin', 'query']);
    expect(f.disabled).toBe(1);
    expect(f.invalid).toEqual([
      { name: 'my-cases - broken', message: "invalid field 'statements': was empty" },
    ]);
  });
});

describe('response matching', () => {
  const statements = ['CREATE STREAM S …;', 'SELECT * FROM T;'];
  const admin = {
    kind: 'admin' as const,
    entity: json('{"@type":"currentStatus","statementText":"CREATE STREAM S …;","commandId":"x"}'),
  };
  const query = (rows: string) => ({ kind: 'query' as const, rows: json(rows) as never[] });

  it('treats the expected objects as subsets, with {STATEMENT} and |starts_with', () => {
    const expected = [
      { type: 'admin', payload: json('{"@type":"currentStatus","statementText":"{STATEMENT}"}') },
      {
        type: 'query',
        payload: json('[{"header":{"schema|starts_with":"`ID` STRING"}},{"row":{"columns":["a",1]}}]'),
      },
    ];
    const actual = [
      admin,
      query(
        '[{"header":{"queryId":"q","schema":"`ID` STRING KEY, `V` INTEGER"}},{"row":{"columns":["a",1]}}]',
      ),
    ];
    expect(matchResponses(actual, expected, statements, false)).toBeUndefined();
  });

  it('names the first difference: a missing key, a different value, a row count', () => {
    const exp = (payload: string) => [{ type: 'admin', payload: json(payload) }];
    expect(matchResponses([admin], exp('{"@type":"sourceDescription"}'), statements, false)).toBe(
      'Response mismatch at responses[0]->admin->@type: expected "sourceDescription" but was "currentStatus"',
    );
    expect(matchResponses([admin], exp('{"nope":1}'), statements, false)).toMatch(/no 'nope'/);
    expect(
      matchResponses(
        [query('[{"header":{}}]')],
        [{ type: 'query', payload: json('[{"header":{}},{"row":{}}]') }],
        statements,
        false,
      ),
    ).toMatch(/row count mismatch: expected 2 .* but got 1/);
    expect(matchResponses([], exp('{}'), statements, false)).toBe(
      'Not enough responses: expected 1 but got 0',
    );
  });

  it('compares numbers by kind, as ksqlDB reads them: 1.0 is not 1', () => {
    const expected = [{ type: 'query', payload: json('[{"row":{"columns":[1.0]}}]') }];
    expect(matchResponses([query('[{"row":{"columns":[1]}}]')], expected, statements, true)).toMatch(
      /expected \[1.0\] but was \[1\]/,
    );
    expect(
      matchResponses([query('[{"row":{"columns":[1.00]}}]')], expected, statements, true),
    ).toBeUndefined();
  });

  it('compares query rows as a multiset unless verifyOrder', () => {
    const expected = [
      { type: 'query', payload: json('[{"row":{"columns":["a"]}},{"row":{"columns":["b"]}}]') },
    ];
    const swapped = query('[{"row":{"columns":["b"]}},{"row":{"columns":["a"]}}]');
    expect(matchResponses([swapped], expected, statements, false)).toBeUndefined();
    expect(matchResponses([swapped], expected, statements, true)).toMatch(/expected \["a"\] but was \["b"\]/);
    const doubled = query('[{"row":{"columns":["a"]}},{"row":{"columns":["a"]}}]');
    expect(matchResponses([doubled], expected, statements, false)).toMatch(/Uneven occurrence/);
  });

  it('matches an expected error by status, message part and statement error type', () => {
    const body = json(
      '{"@type":"statement_error","error_code":40001,"message":"line 1:1: Bad thing.\\nStatement: SELECT 1;","statementText":"SELECT 1;"}',
    );
    const type = 'io.confluent.ksql.rest.entity.KsqlStatementErrorMessage';
    expect(
      matchExpectedError({ status: 400, body }, { status: 400, message: 'Bad thing.', type }, 'SELECT 1;'),
    ).toBeUndefined();
    expect(matchExpectedError({ status: 400, body }, { status: 404 }, 'SELECT 1;')).toMatch(/status 404/);
    expect(matchExpectedError({ status: 400, body }, { message: 'Other' }, 'SELECT 1;')).toMatch(
      /containing "Other"/,
    );
    const generic = json('{"@type":"generic_error","error_code":40001,"message":"Bad thing."}');
    expect(matchExpectedError({ status: 400, body: generic }, { type }, 'SELECT 1;')).toMatch(
      /statement error/,
    );
    expect(
      matchExpectedError(
        { status: 400, body: generic },
        { type: 'io.confluent.ksql.rest.entity.KsqlErrorMessage' },
        'SELECT 1;',
      ),
    ).toBeUndefined();
  });
});
