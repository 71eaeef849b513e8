import { describe, expect, it } from 'vitest';
import type { StatementResult } from '../../src/engine/engine-api.js';
import type { PullQueryPlan } from '../../src/engine/pull-query.js';
import { parseTimestamp } from '../../src/values/temporal.js';
import { testEngine } from './helpers.js';

// ksqlDB's answers to pull queries (its rest-query-validation-tests' rules, our own statements).

function plan(results: readonly StatementResult[]): PullQueryPlan {
  const last = results[results.length - 1];
  if (last?.kind !== 'TransientQuery') throw new Error(`expected TransientQuery, got ${last?.kind}`);
  return last.query as PullQueryPlan;
}

async function counts(windowed = false, key = 'ID INT KEY') {
  const t = testEngine({ topics: { t: 1 } });
  await t.engine.execute(`CREATE STREAM S (${key}, V INT) WITH (kafka_topic='t', value_format='JSON');`);
  await t.engine.execute(
    `CREATE TABLE C AS SELECT ID, COUNT(1) AS N FROM S ${windowed ? 'WINDOW TUMBLING (SIZE 1 SECOND) ' : ''}GROUP BY ID;`,
  );
  return t.engine;
}

const NO_SCANS = { properties: { 'ksql.query.pull.table.scan.enabled': 'false' } };

describe('pull query results as ksqlDB describes them', () => {
  it('marks key columns and window bounds selected by name, wherever they stand', async () => {
    const engine = await counts(true);
    const p = plan(await engine.execute('SELECT N, WINDOWSTART, ID, ID + 1 FROM C WHERE ID = 1;'));
    expect(p.schema.columns().map((c) => c.name)).toEqual(['N', 'WINDOWSTART', 'ID', 'KSQL_COL_0']);
    expect([...p.keyColumnNames].sort()).toEqual(['ID', 'WINDOWSTART']);
    const star = plan(await engine.execute('SELECT * FROM C WHERE ID = 1;'));
    expect([...star.keyColumnNames].sort()).toEqual(['ID', 'WINDOWEND', 'WINDOWSTART']);
  });

  it('numbers generated names over generated items only', async () => {
    const engine = await counts();
    const p = plan(await engine.execute('SELECT N, ID * 2, N + 1 FROM C WHERE ID = 1;'));
    expect(p.schema.columns().map((c) => c.name)).toEqual(['N', 'KSQL_COL_0', 'KSQL_COL_1']);
  });

  it('refuses ROWPARTITION and ROWOFFSET by name', async () => {
    const engine = await counts();
    await expect(engine.execute('SELECT *, ROWPARTITION FROM C WHERE ID = 1;')).rejects.toThrow(
      "Pull queries don't support the following columns in SELECT clauses: `ROWPARTITION`",
    );
    await expect(engine.execute('SELECT * FROM C WHERE ID = 1 AND ROWOFFSET < 3;')).rejects.toThrow(
      "Pull queries don't support the following columns in WHERE clauses: `ROWOFFSET`",
    );
  });
});

describe('key lookups', () => {
  it('checks IN lists on the key: no NULL, no string for a number key', async () => {
    const engine = await counts();
    await expect(engine.execute("SELECT * FROM C WHERE ID IN ('10', 8);")).rejects.toThrow(
      "'10' can not be converted to the type of the key column: ID INTEGER KEY",
    );
    await expect(engine.execute('SELECT * FROM C WHERE ID IN (NULL);')).rejects.toThrow(
      'Primary key columns can not be NULL: (ID = null)',
    );
    expect(plan(await engine.execute('SELECT * FROM C WHERE ID IN (1, 2);')).keys).toEqual([[1], [2]]);
  });

  it('names what keeps a WHERE from being a key lookup when table scans are disabled', async () => {
    const engine = await counts();
    const refused = (where: string) => engine.execute(`SELECT * FROM C WHERE ${where};`, NO_SCANS);
    await expect(refused('N = 100')).rejects.toThrow(
      'WHERE clause missing key column for disjunct: (N = 100)',
    );
    await expect(refused('ID != 1')).rejects.toThrow(
      "Bound on key columns '[`ID` INTEGER KEY]' must currently be '='. ",
    );
    await expect(refused('0 < ID AND ID < 100')).rejects.toThrow(
      'A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate',
    );
    await expect(refused('ID = 1 AND ID IN (1, 2)')).rejects.toThrow(
      'cannot be combined with other comparisons',
    );
    await expect(refused('ID + 10 = 20')).rejects.toThrow(
      'A comparison must directly reference a key column.',
    );
    await expect(refused('ID = N')).rejects.toThrow(
      'A comparison must be between a key column and a resolvable expression.',
    );
    expect(plan(await engine.execute('SELECT * FROM C WHERE ID = 10 + 1;', NO_SCANS)).keys).toEqual([[11]]);
  });

  it('accepts a windowed lookup of a pinned key with window bounds when table scans are disabled', async () => {
    const engine = await counts(true);
    const p = plan(
      await engine.execute('SELECT * FROM C WHERE ID = 10 AND WINDOWSTART > 12500 + 10;', NO_SCANS),
    );
    expect(p.windowed).toBe(true);
    await expect(engine.execute('SELECT * FROM C WHERE WINDOWSTART >= 12000;', NO_SCANS)).rejects.toThrow(
      'WHERE clause missing key column for disjunct',
    );
  });

  it('ends a comparison error with the comparison as the statement', async () => {
    const engine = await counts();
    await expect(engine.execute("SELECT * FROM C WHERE ID = '10';")).rejects.toThrow(
      "Error in WHERE expression: Cannot compare ID (INTEGER) to '10' (STRING) with EQUAL.\nStatement: (ID = '10')",
    );
  });
});

describe('INSERT VALUES as ksqlDB refuses it', () => {
  it('names a column and value count mismatch and refuses ROWPARTITION and ROWOFFSET', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await engine.execute(
      "CREATE STREAM S (K STRING KEY, ID INT) WITH (kafka_topic='t', value_format='JSON');",
    );
    await expect(engine.execute("INSERT INTO S (K, ID) VALUES ('10');")).rejects.toThrow(
      'Failed to prepare statement: Expected number columns and values to match: 2, 1',
    );
    await expect(engine.execute("INSERT INTO S (K, ID, ROWPARTITION) VALUES ('a', 1, 5);")).rejects.toThrow(
      'Inserting into column `ROWPARTITION` is not allowed.',
    );
    await expect(engine.execute("INSERT INTO S (K, ID, ROWOFFSET) VALUES ('a', 1, 5);")).rejects.toThrow(
      'Inserting into column `ROWOFFSET` is not allowed.',
    );
  });
});

describe('partial timestamps', () => {
  it('read hour 24 as the next day’s midnight, and nothing past it', () => {
    expect(parseTimestamp('2020-02-24T24')).toBe(Date.UTC(2020, 1, 25));
    expect(() => parseTimestamp('2020-02-24T24:01')).toThrow("Failed to parse timestamp '2020-02-24T24:01'");
    expect(() => parseTimestamp('2020-02-24T25')).toThrow(RangeError);
  });
});

describe('pull query analysis order', () => {
  it('reports a SELECT error before the table not being queryable', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await engine.execute(
      "CREATE TABLE T (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t', format='JSON');",
    );
    await expect(engine.execute('SELECT VAL, VAL FROM T WHERE ID = 10;')).rejects.toThrow(
      'Duplicate value columns found in schema: `VAL` STRING',
    );
    await expect(engine.execute('SELECT VAL FROM T WHERE ID = 10;')).rejects.toThrow(
      "The `T` table isn't queryable.",
    );
  });
});

describe('range scans on the key with table scans disabled', () => {
  it('reads a key range when range scans are enabled and refuses it when they are not', async () => {
    const engine = await counts();
    const props = (range: string) => ({
      properties: {
        'ksql.query.pull.table.scan.enabled': 'false',
        'ksql.query.pull.range.scan.enabled': range,
      },
    });
    const p = plan(await engine.execute('SELECT * FROM C WHERE ID <= 12;', props('true')));
    expect(p.keys).toBeUndefined();
    await expect(engine.execute('SELECT * FROM C WHERE ID <= 12;', props('false'))).rejects.toThrow(
      'Query requires table scan to be enabled',
    );
    await expect(engine.execute('SELECT * FROM C WHERE ID != 12;', props('true'))).rejects.toThrow(
      'must currently be',
    );
  });
});
