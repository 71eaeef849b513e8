import { TopologyTestDriver } from '@meterstream/streams';
import { describe, expect, it } from 'vitest';
import type { TransientQueryPlan } from '../../src/engine/transient-query.js';
import { intKey, json, testEngine } from './helpers.js';

const S1 =
  "CREATE STREAM S1 (MYKEY INT KEY, MYVALUE INT) WITH (kafka_topic='test_topic', value_format='JSON');";

async function plan(sql: string, properties: Record<string, string> = {}): Promise<TransientQueryPlan> {
  const { engine } = testEngine({ topics: { test_topic: 1, other: 1 } });
  await engine.execute(S1);
  const [r] = await engine.execute(sql, { properties });
  if (r?.kind !== 'TransientQuery') throw new Error(`expected a query, got ${r?.kind}`);
  return r.query as TransientQueryPlan;
}

/** Feeds (key, value) records through the plan's topology and lays each result row out. */
function run(p: TransientQueryPlan, records: readonly [number, Record<string, unknown>][]): unknown[][] {
  const rows: unknown[][] = [];
  p.rows.subscribe((r: { key: unknown; value: unknown[] | null }) => {
    const key = r.key as unknown[];
    rows.push(p.layout.map((c) => (c.part === 'KEY' ? key[c.index] : r.value?.[c.index])));
  });
  const driver = new TopologyTestDriver(p.topology, { applicationId: p.applicationId });
  const input = driver.createInputTopic<Buffer, Buffer>('test_topic');
  for (const [i, [k, v]] of records.entries()) input.pipeInput(intKey(k), json(v), 12365 + i);
  driver.close();
  return rows;
}

describe('pull queries on streams (planned as bounded scans)', () => {
  it('plans SELECT without EMIT on a stream as a scan of its topic: projection and WHERE apply', async () => {
    const p = await plan('SELECT MYKEY, MYVALUE * 2 AS DOUBLEVALUE FROM S1 WHERE MYVALUE >= 2 LIMIT 5;');
    expect(p.streamScan).toEqual({ topic: 'test_topic' });
    expect(p.limit).toBe(5);
    expect(p.columns.map((c) => c.name)).toEqual(['MYKEY', 'DOUBLEVALUE']);
    const rows = run(p, [
      [10, { myvalue: 1 }],
      [11, { myvalue: 2 }],
      [12, { myvalue: 3 }],
    ]);
    expect(rows).toEqual([
      [11, 4],
      [12, 6],
    ]);
  });

  it('lays SELECT * out as the key columns then the value columns', async () => {
    const p = await plan('SELECT * FROM S1;');
    expect(p.columns.map((c) => c.name)).toEqual(['MYKEY', 'MYVALUE']);
    expect(run(p, [[10, { myvalue: 1 }]])).toEqual([[10, 1]]);
  });

  it('refuses what ksqlDB refuses, with its messages', async () => {
    await expect(plan('SELECT * FROM S1 GROUP BY MYKEY;')).rejects.toThrow(
      "Pull queries don't support GROUP BY clauses. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.",
    );
    await expect(plan('SELECT * FROM S1 WINDOW TUMBLING (SIZE 1 SECOND);')).rejects.toThrow(
      "Pull queries don't support WINDOW clauses.",
    );
    await expect(plan('SELECT MYKEY, MYVALUE, ROWOFFSET FROM S1;')).rejects.toThrow(
      /^Pull queries don't support the following columns in SELECT clauses: `ROWOFFSET`$/,
    );
    await expect(plan('SELECT * FROM S1 WHERE MYKEY < 1 AND ROWPARTITION != 2;')).rejects.toThrow(
      /^Pull queries don't support the following columns in WHERE clauses: `ROWPARTITION`$/,
    );
  });

  it('is refused when ksql.query.pull.stream.enabled is false', async () => {
    await expect(plan('SELECT * FROM S1;', { 'ksql.query.pull.stream.enabled': 'false' })).rejects.toThrow(
      "Pull queries on streams are disabled. To create a push query on the stream, add EMIT CHANGES to the end. To enable pull queries on streams, set the ksql.query.pull.stream.enabled config to 'true'.",
    );
  });
});
