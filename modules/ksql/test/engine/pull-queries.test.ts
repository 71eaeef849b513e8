import { describe, expect, it } from 'vitest';
import type { StatementResult } from '../../src/engine/engine-api.js';
import { executePullQuery, type PullQueryPlan } from '../../src/engine/pull-query.js';
import { KsqlError } from '../../src/errors.js';
import { createdQuery, driverFor, json, testEngine } from './helpers.js';

function pullPlan(results: readonly StatementResult[]): PullQueryPlan {
  const last = results[results.length - 1];
  if (last?.kind !== 'TransientQuery') throw new Error(`expected TransientQuery, got ${last?.kind}`);
  const plan = last.query as PullQueryPlan;
  expect(plan.kind).toBe('pull');
  return plan;
}

const METRICS =
  "CREATE STREAM METRICS (ID STRING KEY, GATEWAY STRING, V DOUBLE) WITH (kafka_topic='metrics', value_format='JSON');";
const ACTIVITY = `CREATE TABLE ACTIVITY AS
  SELECT GATEWAY, LATEST_BY_OFFSET(V) AS LAST_V, MAX(ROWTIME) AS LAST_MS, COUNT(*) AS N
  FROM METRICS GROUP BY GATEWAY EMIT CHANGES;`;

async function activity() {
  const t = testEngine({ topics: { metrics: 1 } });
  await t.engine.execute(METRICS);
  const query = createdQuery(await t.engine.execute(ACTIVITY));
  const driver = driverFor(query);
  const input = driver.createInputTopic<Buffer, Buffer>('metrics');
  input.pipeInput(Buffer.from('a'), json({ GATEWAY: '0', V: 1.5 }), 100);
  input.pipeInput(Buffer.from('b'), json({ GATEWAY: '1', V: 7 }), 200);
  input.pipeInput(Buffer.from('c'), json({ GATEWAY: '0', V: 2.5 }), 300);
  return { ...t, query, driver };
}

describe('pull queries over a CREATE TABLE … AS SELECT … GROUP BY', () => {
  it('looks up the key the WHERE pins and returns the latest aggregate row', async () => {
    const { engine, driver, query } = await activity();
    const plan = pullPlan(await engine.execute("SELECT * FROM ACTIVITY WHERE GATEWAY = '0';"));
    expect(plan.queryId).toBe(query.id);
    expect(plan.keys).toEqual([['0']]);
    expect(plan.schema.columns().map((c) => c.name)).toEqual(['GATEWAY', 'LAST_V', 'LAST_MS', 'N']);
    expect(executePullQuery(plan, driver)).toEqual([['0', 2.5, 300, 2]]);
    driver.close();
  });

  it('scans the table when the WHERE does not pin the key, applying WHERE and projection', async () => {
    const { engine, driver } = await activity();
    const plan = pullPlan(await engine.execute('SELECT GATEWAY, N * 10 AS TENS FROM ACTIVITY WHERE N >= 1;'));
    expect(plan.keys).toBeUndefined();
    expect(plan.schema.columns().map((c) => [c.name, c.type.base])).toEqual([
      ['GATEWAY', 'STRING'],
      ['TENS', 'BIGINT'],
    ]);
    const rows = executePullQuery(plan, driver).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(rows).toEqual([
      ['0', 20],
      ['1', 10],
    ]);
    const filtered = pullPlan(await engine.execute('SELECT GATEWAY FROM ACTIVITY WHERE LAST_V > 5;'));
    expect(executePullQuery(filtered, driver)).toEqual([['1']]);
    driver.close();
  });

  it('key IN (…) looks up each key; missing keys return nothing; LIMIT caps the rows', async () => {
    const { engine, driver } = await activity();
    const plan = pullPlan(
      await engine.execute("SELECT GATEWAY, N FROM ACTIVITY WHERE GATEWAY IN ('1', '9', '0');"),
    );
    expect(plan.keys).toEqual([['1'], ['9'], ['0']]);
    expect(executePullQuery(plan, driver)).toEqual([
      ['1', 1],
      ['0', 2],
    ]);
    const limited = pullPlan(await engine.execute('SELECT * FROM ACTIVITY LIMIT 1;'));
    expect(executePullQuery(limited, driver)).toHaveLength(1);
    driver.close();
  });

  it('exposes ROWTIME, the time of the row’s latest update', async () => {
    const { engine, driver } = await activity();
    const plan = pullPlan(await engine.execute("SELECT ROWTIME AS T FROM ACTIVITY WHERE GATEWAY = '0';"));
    expect(executePullQuery(plan, driver)).toEqual([[300]]);
    driver.close();
  });

  it('refuses table scans when ksql.query.pull.table.scan.enabled is false', async () => {
    const { engine } = await activity();
    await engine.execute("SET 'ksql.query.pull.table.scan.enabled'='false';");
    await expect(engine.execute('SELECT * FROM ACTIVITY;')).rejects.toThrow(/^Missing WHERE clause\./);
    const plan = pullPlan(await engine.execute("SELECT * FROM ACTIVITY WHERE GATEWAY = '1';"));
    expect(plan.keys).toEqual([['1']]);
  });
});

describe('pull queries over a source table and windowed tables', () => {
  it('reads a CREATE SOURCE TABLE through its query', async () => {
    const { engine } = testEngine({ topics: { users: 1 } });
    const results = await engine.execute(
      "CREATE SOURCE TABLE USERS (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='users', value_format='JSON');",
    );
    const created = results[results.length - 1];
    expect(created?.kind).toBe('SourceCreated');
    const cst = engine.queries().find((q) => q.id.startsWith('CST_USERS'));
    expect(cst?.pullStore).toBeDefined();
    const driver = driverFor(cst!);
    const key = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      return b;
    };
    const input = driver.createInputTopic<Buffer, Buffer | null>('users');
    input.pipeInput(key(1), json({ NAME: 'ann' }), 1);
    input.pipeInput(key(2), json({ NAME: 'bob' }), 2);
    input.pipeInput(key(2), null, 3); // a tombstone deletes the row
    const plan = pullPlan(await engine.execute('SELECT * FROM USERS WHERE ID IN (1, 2);'));
    expect(executePullQuery(plan, driver)).toEqual([[1, 'ann']]);
    driver.close();
  });

  it('returns WINDOWSTART / WINDOWEND of a windowed table and filters on them', async () => {
    const { engine } = testEngine({ topics: { metrics: 1 } });
    await engine.execute(METRICS);
    const query = createdQuery(
      await engine.execute(
        'CREATE TABLE PER_WINDOW AS SELECT GATEWAY, COUNT(*) AS N FROM METRICS WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY GATEWAY;',
      ),
    );
    const driver = driverFor(query);
    const input = driver.createInputTopic<Buffer, Buffer>('metrics');
    input.pipeInput(Buffer.from('a'), json({ GATEWAY: '0', V: 1 }), 100);
    input.pipeInput(Buffer.from('b'), json({ GATEWAY: '0', V: 1 }), 1500);
    input.pipeInput(Buffer.from('c'), json({ GATEWAY: '0', V: 1 }), 1600);
    const plan = pullPlan(
      await engine.execute("SELECT * FROM PER_WINDOW WHERE GATEWAY = '0' AND WINDOWSTART >= 1000;"),
    );
    expect(plan.schema.key.map((c) => c.name)).toEqual(['GATEWAY', 'WINDOWSTART', 'WINDOWEND']);
    expect(executePullQuery(plan, driver)).toEqual([['0', 1000, 2000, 2]]);
    driver.close();
  });
});

describe('pull query errors', () => {
  it('names a table no query materializes', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await engine.execute(
      "CREATE TABLE T (ID INT PRIMARY KEY, V STRING) WITH (kafka_topic='t', value_format='JSON');",
    );
    const err = await engine.execute('SELECT * FROM T;').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KsqlError);
    expect((err as Error).message).toContain(
      "The `T` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_T AS SELECT * FROM T'.",
    );
  });

  it('refuses unsupported shapes with ksqlDB’s wording', async () => {
    const { engine } = await activity();
    await expect(engine.execute('SELECT GATEWAY, COUNT(*) FROM ACTIVITY GROUP BY GATEWAY;')).rejects.toThrow(
      "Pull queries don't support GROUP BY clauses.",
    );
    await expect(engine.execute('SELECT * FROM ACTIVITY LIMIT -1;')).rejects.toThrow(
      /^Pull queries don't support negative integers in the LIMIT clause\. See https:\/\/cnfl\.io\/queries for more info\.\nAdd EMIT CHANGES if you intended to issue a push query\.$/,
    );
    await expect(engine.execute('SELECT * FROM METRICS GROUP BY GATEWAY;')).rejects.toThrow(
      "Pull queries don't support GROUP BY clauses.",
    );
    await expect(engine.execute('SELECT * FROM NOPE;')).rejects.toThrow(/^NOPE does not exist\.$/);
    await expect(engine.execute('SELECT NOPE FROM ACTIVITY;')).rejects.toThrow(
      "SELECT column 'NOPE' cannot be resolved.",
    );
  });
});
