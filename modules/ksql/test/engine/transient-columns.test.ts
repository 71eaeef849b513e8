import { describe, expect, it } from 'vitest';
import type { TransientQueryPlan } from '../../src/engine/transient-query.js';
import { testEngine } from './helpers.js';

async function pushPlan(sql: string): Promise<TransientQueryPlan> {
  const { engine } = testEngine({ topics: { input: 1 } });
  await engine.execute(
    `CREATE STREAM s (id STRING KEY, n INT, m STRING) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON');`,
  );
  const [result] = await engine.execute(sql);
  if (result?.kind !== 'TransientQuery') throw new Error(`unexpected ${result?.kind}`);
  return result.query as TransientQueryPlan;
}

describe('a push query returns exactly its SELECT items, in order', () => {
  it('leaves out a key it does not select, and places a selected key where SELECT puts it', async () => {
    const noKey = await pushPlan('SELECT n FROM s EMIT CHANGES;');
    expect(noKey.columns.map((c) => c.name)).toEqual(['N']);
    expect(noKey.layout).toEqual([{ part: 'VALUE', index: 0 }]);
    const keyLast = await pushPlan('SELECT m, n AS x, id FROM s EMIT CHANGES;');
    expect(keyLast.columns.map((c) => c.name)).toEqual(['M', 'X', 'ID']);
    expect(keyLast.layout).toEqual([
      { part: 'VALUE', index: 0 },
      { part: 'VALUE', index: 1 },
      { part: 'KEY', index: 0 },
    ]);
    const star = await pushPlan('SELECT * FROM s EMIT CHANGES;');
    expect(star.columns.map((c) => c.name)).toEqual(['ID', 'N', 'M']);
  });

  it('is the key then the aggregates for an aggregation', async () => {
    const agg = await pushPlan('SELECT id, COUNT(*) AS c FROM s GROUP BY id EMIT CHANGES;');
    expect(agg.columns.map((c) => c.name)).toEqual(['ID', 'C']);
  });
});
