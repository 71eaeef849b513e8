import { describe, expect, it } from 'vitest';
import { planJoin } from '../../src/plan/join-step.js';
import {
  col,
  eq,
  INT,
  joinClause,
  pick,
  run,
  STRING,
  streamSource,
  tableSource,
  testContext,
} from './join-helpers.js';

function setup(type: 'INNER' | 'LEFT', select?: Parameters<typeof planJoin>[4]) {
  const ctx = testContext();
  const s = streamSource(ctx.builder, 's', 'S', [['ID', INT]], [['NAME', STRING]]);
  const t = tableSource(ctx.builder, 't', 'T', [['ID', INT]], [['V', STRING]]);
  return {
    ctx,
    s,
    t,
    plan: () => planJoin(s, t, joinClause(type, 'T', eq(col('S', 'ID'), col('T', 'ID'))), ctx, select),
  };
}

describe('planJoin: stream–table', () => {
  it('names every input column <ALIAS>_<COL>, appends the key and pseudo-columns, and records the sources', async () => {
    const { plan } = setup('INNER');
    const result = await plan();
    expect(result.kind).toBe('STREAM');
    expect(result.schema.key.map((c) => c.name)).toEqual(['S_ID']);
    expect(result.schema.value.map((c) => c.name)).toEqual([
      'S_NAME',
      'S_ID',
      'S_ROWTIME',
      'S_ROWPARTITION',
      'S_ROWOFFSET',
      'T_V',
      'T_ID',
      'T_ROWTIME',
      'T_ROWPARTITION',
      'T_ROWOFFSET',
      'S_ID',
      'ROWTIME',
      'ROWPARTITION',
      'ROWOFFSET',
    ]);
    expect(result.sources).toEqual([
      { alias: 'S', columns: ['NAME', 'ID', 'ROWTIME', 'ROWPARTITION', 'ROWOFFSET'] },
      { alias: 'T', columns: ['V', 'ID', 'ROWTIME', 'ROWPARTITION', 'ROWOFFSET'] },
    ]);
    expect(result.withPseudoColumns).toBe(true);
  });

  it('names the key after the first viable key column the projection selects', async () => {
    const { plan } = setup('INNER', { select: [{ kind: 'SingleColumn', expression: col('T', 'ID') }] });
    expect((await plan()).schema.key.map((c) => c.name)).toEqual(['T_ID']);
  });

  it('inner join: stream records join the table row current when they are processed', async () => {
    const { ctx, plan } = setup('INNER');
    const result = await plan();
    const { input, read } = run(ctx, result);
    const s = input('s');
    const t = input('t');
    s.pipeInput([1], ['early'], 1); // table empty
    t.pipeInput([1], ['one'], 2);
    s.pipeInput([1], ['a'], 10);
    s.pipeInput([2], ['b'], 11); // no row for 2
    t.pipeInput([1], null, 12);
    s.pipeInput([1], ['late'], 13);
    const out = read();
    expect(
      out.map(([k, row, ts]) => [
        k,
        pick(result, row, ['S_NAME', 'T_V', 'S_ROWTIME', 'T_ROWTIME', 'ROWTIME']),
        ts,
      ]),
    ).toEqual([[[1], ['a', 'one', 10, 2, 10], 10]]);
    // The copied key column follows the right sides' columns.
    const row = out[0][1] as unknown[];
    expect(row[10]).toBe(1);
  });

  it('left join: a stream record without a table row joins NULLs', async () => {
    const { ctx, plan } = setup('LEFT');
    const result = await plan();
    const { input, read } = run(ctx, result);
    input('t').pipeInput([1], ['one'], 1);
    input('s').pipeInput([2], ['b'], 5);
    input('s').pipeInput([1], ['a'], 6);
    expect(read().map(([k, row]) => [k, pick(result, row, ['S_NAME', 'T_V', 'T_ID'])])).toEqual([
      [[2], ['b', null, null]],
      [[1], ['a', 'one', 1]],
    ]);
  });

  it('repartitions a stream not keyed by its join column into <app>-Join-repartition, dropping NULL join keys', async () => {
    const ctx = testContext();
    const s = streamSource(ctx.builder, 's', 'S', [['SID', INT]], [['TID', INT]]);
    const t = tableSource(ctx.builder, 't', 'T', [['ID', INT]], [['V', STRING]]);
    const result = await planJoin(s, t, joinClause('INNER', 'T', eq(col('S', 'TID'), col('T', 'ID'))), ctx);
    expect(result.schema.key.map((c) => c.name)).toEqual(['S_TID']);
    const { topology, input, read } = run(ctx, result);
    expect(topology.internalTopics('app').map((x) => x.name)).toContain('app-Join-repartition');
    input('t').pipeInput([7], ['seven'], 1);
    input('s').pipeInput([100], [7], 2);
    input('s').pipeInput([101], [null], 3);
    expect(read().map(([k, row]) => [k, pick(result, row, ['S_SID', 'S_TID', 'T_V'])])).toEqual([
      [[7], [100, 7, 'seven']],
    ]);
  });
});
