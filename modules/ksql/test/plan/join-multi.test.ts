import { describe, expect, it } from 'vitest';
import { joinPrefix, planJoin } from '../../src/plan/join-step.js';
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

describe('planJoin: multi-way joins (left-deep chain, planJoin called per join)', () => {
  it('joinPrefix names the earlier joins L_, L_L_, … as ksqlDB does', () => {
    expect([0, 1, 2].map((i) => joinPrefix(i, 3))).toEqual(['L_L_', 'L_', '']);
  });

  it('a second join on a column equivalent to the first join key needs no repartition', async () => {
    const ctx = testContext();
    const s = streamSource(ctx.builder, 's', 'S', [['ID', INT]], [['V', STRING]]);
    const t1 = tableSource(ctx.builder, 't1', 'T1', [['ID', INT]], [['X', STRING]]);
    const t2 = tableSource(ctx.builder, 't2', 'T2', [['ID', INT]], [['Y', STRING]]);
    const first = await planJoin(s, t1, joinClause('INNER', 'T1', eq(col('S', 'ID'), col('T1', 'ID'))), ctx, {
      prefix: joinPrefix(0, 2),
    });
    // T1.ID equals the key of S ⋈ T1, so joining T2 on it keeps the partitioning.
    const result = await planJoin(
      { alias: 'S', planned: first },
      t2,
      joinClause('LEFT', 'T2', eq(col('T1', 'ID'), col('T2', 'ID'))),
      ctx,
      { prefix: joinPrefix(1, 2) },
    );
    expect(result.sources?.map((x) => x.alias)).toEqual(['S', 'T1', 'T2']);
    expect(result.schema.key.map((c) => c.name)).toEqual(['S_ID']);
    expect(result.joinKey?.viable).toEqual([
      { alias: 'S', column: 'ID' },
      { alias: 'T1', column: 'ID' },
      { alias: 'T2', column: 'ID' },
    ]);
    const { topology, input, read } = run(ctx, result);
    expect(topology.internalTopics('app').filter((t) => t.kind === 'repartition')).toEqual([]);
    input('t1').pipeInput([1], ['x1'], 1);
    input('t2').pipeInput([1], ['y1'], 2);
    input('s').pipeInput([1], ['v'], 3);
    input('s').pipeInput([2], ['w'], 4); // no T1 row: the inner join drops it
    expect(
      read().map(([k, row]) => [k, pick(result, row, ['S_V', 'T1_X', 'T2_Y', 'S_ID', 'T2_ID'])]),
    ).toEqual([[[1], ['v', 'x1', 'y1', 1, 1]]]);
  });

  it('a second join on another column repartitions the joined stream into <app>-Join-repartition', async () => {
    const ctx = testContext();
    const s = streamSource(ctx.builder, 's', 'S', [['ID', INT]], [['OTHER', INT]]);
    const t1 = tableSource(ctx.builder, 't1', 'T1', [['ID', INT]], [['X', STRING]]);
    const t2 = tableSource(ctx.builder, 't2', 'T2', [['ID', INT]], [['Y', STRING]]);
    const first = await planJoin(s, t1, joinClause('INNER', 'T1', eq(col('S', 'ID'), col('T1', 'ID'))), ctx, {
      prefix: 'L_',
    });
    const result = await planJoin(
      { alias: 'S', planned: first },
      t2,
      joinClause('INNER', 'T2', eq(col(undefined, 'OTHER'), col('T2', 'ID'))),
      ctx,
    );
    expect(result.schema.key.map((c) => c.name)).toEqual(['S_OTHER']);
    const { topology, input, read } = run(ctx, result);
    expect(topology.internalTopics('app').map((t) => t.name)).toContain('app-Join-repartition');
    input('t1').pipeInput([1], ['x1'], 1);
    input('t2').pipeInput([7], ['y7'], 2);
    input('s').pipeInput([1], [7], 3);
    expect(read().map(([k, row]) => [k, pick(result, row, ['S_ID', 'T1_X', 'T2_Y'])])).toEqual([
      [[7], [1, 'x1', 'y7']],
    ]);
  });
});
