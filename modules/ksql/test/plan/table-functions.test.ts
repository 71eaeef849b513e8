import { describe, expect, it } from 'vitest';
import { createdQuery, driverFor, json, output, parseJson, testEngine } from '../engine/helpers.js';

async function run(create: string, sql: string, inputs: [string, unknown][]) {
  const { engine } = testEngine({ topics: { input: 1 } });
  await engine.execute(create);
  const query = createdQuery(await engine.execute(sql));
  const driver = driverFor(query);
  const topic = driver.createInputTopic<Buffer, Buffer>('input');
  for (const [key, value] of inputs) topic.pipeInput(Buffer.from(key), json(value), 0);
  const rows = output(driver, query.sinkTopic).map((r) => [r.key?.toString(), parseJson(r.value)]);
  driver.close();
  return rows;
}

describe('table functions (FlatMap)', () => {
  it('EXPLODE makes one row per element; several calls zip, the shorter padded with NULL', async () => {
    const rows = await run(
      `CREATE STREAM s (id STRING KEY, a ARRAY<BIGINT>, b ARRAY<STRING>, n INT) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON');`,
      `CREATE STREAM out AS SELECT id, n, EXPLODE(a) AS x, EXPLODE(b) FROM s;`,
      [
        ['k1', { a: [1, 2, 3], b: ['p'], n: 7 }],
        ['k2', { a: [], b: null, n: 8 }],
        ['k3', { a: null, b: ['q', 'r'], n: 9 }],
      ],
    );
    expect(rows).toEqual([
      ['k1', { N: 7, X: 1, KSQL_COL_0: 'p' }],
      ['k1', { N: 7, X: 2, KSQL_COL_0: null }],
      ['k1', { N: 7, X: 3, KSQL_COL_0: null }],
      ['k3', { N: 9, X: null, KSQL_COL_0: 'q' }],
      ['k3', { N: 9, X: null, KSQL_COL_0: 'r' }],
    ]);
  });

  it('CUBE_EXPLODE gives every combination, a NULL element once', async () => {
    const rows = await run(
      `CREATE STREAM s (id STRING KEY, c1 STRING, c2 STRING) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON');`,
      `CREATE STREAM out AS SELECT id, CUBE_EXPLODE(ARRAY[c1, c2]) AS combo FROM s;`,
      [
        ['k', { c1: 'a', c2: 'b' }],
        ['m', { c1: 'a', c2: null }],
      ],
    );
    expect(rows).toEqual([
      ['k', { COMBO: [null, null] }],
      ['k', { COMBO: [null, 'b'] }],
      ['k', { COMBO: ['a', null] }],
      ['k', { COMBO: ['a', 'b'] }],
      ['m', { COMBO: [null, null] }],
      ['m', { COMBO: ['a', null] }],
    ]);
  });

  it('are refused with aggregations, on table sources, and for arguments they do not take', async () => {
    const { engine } = testEngine({ topics: { input: 1, tbl: 1 } });
    await engine.execute(`
      CREATE STREAM s (id STRING KEY, a ARRAY<INT>, m MAP<STRING, INT>) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON');
      CREATE TABLE t (id STRING PRIMARY KEY, a ARRAY<INT>) WITH (KAFKA_TOPIC='tbl', VALUE_FORMAT='JSON');`);
    await expect(
      engine.execute('CREATE TABLE agg AS SELECT id, EXPLODE(a), COUNT(*) FROM s GROUP BY id;'),
    ).rejects.toThrow('Table functions cannot be used with aggregations.');
    await expect(engine.execute('CREATE TABLE out AS SELECT id, EXPLODE(a) FROM t;')).rejects.toThrow(
      'Table source is not supported with table functions',
    );
    await expect(engine.execute('CREATE STREAM out AS SELECT id, EXPLODE(m) FROM s;')).rejects.toThrow(
      "Function 'explode' does not accept parameters (MAP<STRING, INTEGER>).\nValid alternatives are:\nexplode(ARRAY<DECIMAL> input)\nexplode(ARRAY<T> list)",
    );
  });

  it('are listed by SHOW FUNCTIONS as TABLE functions', async () => {
    const { engine } = testEngine();
    const [listing] = await engine.execute('SHOW FUNCTIONS;');
    if (listing?.kind !== 'Functions') throw new Error(`unexpected ${listing?.kind}`);
    expect(listing.functions.filter((f) => f.type === 'TABLE').map((f) => f.name)).toEqual([
      'CUBE_EXPLODE',
      'EXPLODE',
    ]);
  });
});
