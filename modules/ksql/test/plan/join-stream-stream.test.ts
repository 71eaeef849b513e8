import { describe, expect, it } from 'vitest';
import type { JoinType, JoinWithin } from '../../src/parser/ast.js';
import { planJoin } from '../../src/plan/join-step.js';
import { col, eq, INT, joinClause, pick, run, streamSource, testContext, within } from './join-helpers.js';

async function setup(type: JoinType, w: JoinWithin, on = eq(col('L', 'ID'), col('R', 'ID'))) {
  const ctx = testContext();
  const l = streamSource(ctx.builder, 'l', 'L', [['ID', INT]], [['A', INT]]);
  const r = streamSource(ctx.builder, 'r', 'R', [['ID', INT]], [['B', INT]]);
  const result = await planJoin(l, r, joinClause(type, 'R', on, w), ctx);
  const { topology, input, read } = run(ctx, result);
  return {
    result,
    topology,
    l: input('l'),
    r: input('r'),
    read: (names = ['L_A', 'R_B', 'ROWTIME']) =>
      read().map(([k, row, ts]) => [k, pick(result, row, names), ts]),
  };
}

describe('planJoin: stream–stream (WITHIN)', () => {
  it('inner join: records of both sides within the window join; the result has the later timestamp', async () => {
    const { l, r, read } = await setup('INNER', within(10));
    l.pipeInput([1], [100], 0);
    r.pipeInput([1], [200], 5);
    r.pipeInput([1], [201], 11); // 11 − 0 > 10
    expect(read()).toEqual([[[1], [100, 200, 5], 5]]);
  });

  it('WITHIN (before, after) bounds the other side asymmetrically', async () => {
    const { l, r, read } = await setup('INNER', within(0, 10));
    r.pipeInput([1], [1], 0);
    l.pipeInput([1], [10], 5); // R at 0 is before L at 5: outside before = 0
    r.pipeInput([1], [2], 15); // R at 15 is within L + 10
    expect(read()).toEqual([[[1], [10, 2, 15], 15]]);
  });

  it('left join with GRACE PERIOD: an unmatched left record joins NULL only once its window has closed', async () => {
    const { l, r, read } = await setup('LEFT', within(10, 10, 0));
    l.pipeInput([2], [20], 0);
    expect(read()).toEqual([]);
    r.pipeInput([9], [90], 20);
    expect(read()).toEqual([[[2], [20, null, 0], 0]]);
  });

  it('left join without GRACE PERIOD joins NULL at once (ksqlDB uses Kafka’s JoinWindows.of there)', async () => {
    const { l, r, read } = await setup('LEFT', within(10));
    l.pipeInput([2], [20], 0);
    r.pipeInput([2], [21], 1);
    expect(read()).toEqual([
      [[2], [20, null, 0], 0],
      [[2], [20, 21, 1], 1],
    ]);
  });

  it('full outer join: a synthetic ROWKEY key; unmatched records of both sides emitted after the window', async () => {
    const { result, l, r, read } = await setup('FULL', within(10, 10, 0));
    expect(result.schema.key.map((c) => c.name)).toEqual(['ROWKEY']);
    expect(result.joinKey).toEqual({ equivalents: [], viable: [] });
    l.pipeInput([1], [10], 0);
    r.pipeInput([2], [20], 1);
    l.pipeInput([3], [30], 40);
    expect(read(['L_A', 'R_B', 'ROWKEY'])).toEqual([
      [[1], [10, null, 1], 0],
      [[2], [null, 20, 2], 1],
    ]);
  });

  it('right join: only unmatched right records are emitted with NULLs for the left', async () => {
    const { l, r, read } = await setup('RIGHT', within(10, 10, 0));
    l.pipeInput([1], [10], 0);
    r.pipeInput([2], [20], 1);
    r.pipeInput([3], [30], 5);
    l.pipeInput([3], [31], 6); // 6 is within 10 of R at 5
    l.pipeInput([9], [90], 40);
    expect(read()).toEqual([
      [[3], [31, 30, 6], 6],
      [[2], [null, 20, 1], 1],
    ]);
  });

  it('repartitions both sides when neither is keyed by its join column (<app>-Join-left/right-repartition)', async () => {
    const ctx = testContext();
    const l = streamSource(ctx.builder, 'l', 'L', [['ID', INT]], [['A', INT]]);
    const r = streamSource(ctx.builder, 'r', 'R', [['ID', INT]], [['B', INT]]);
    const result = await planJoin(
      l,
      r,
      joinClause('INNER', 'R', eq(col('R', 'B'), col('L', 'A')), within(10)),
      ctx,
    );
    // Written right side first: the key still comes from the left operand.
    expect(result.schema.key.map((c) => c.name)).toEqual(['L_A']);
    const { topology, input, read } = run(ctx, result);
    const topics = topology.internalTopics('app').map((t) => t.name);
    expect(topics).toContain('app-Join-left-repartition');
    expect(topics).toContain('app-Join-right-repartition');
    input('l').pipeInput([1], [5], 0);
    input('r').pipeInput([2], [5], 3);
    expect(read().map(([k, row, ts]) => [k, pick(result, row, ['L_ID', 'R_ID', 'L_A']), ts])).toEqual([
      [[5], [1, 2, 5], 3],
    ]);
  });
});

describe('planJoin: ON expressions that are not plain columns', () => {
  it('re-keys by the compiled expression; with no viable key column the key is a synthetic ROWKEY', async () => {
    const abs = (q: string) => ({ kind: 'FunctionCall' as const, name: 'ABS', args: [col(q, 'A')] });
    const ctx = testContext();
    const l = streamSource(ctx.builder, 'l', 'L', [['ID', INT]], [['A', INT]]);
    const r = streamSource(ctx.builder, 'r', 'R', [['ID', INT]], [['A', INT]]);
    const result = await planJoin(l, r, joinClause('INNER', 'R', eq(abs('L'), abs('R')), within(10)), ctx);
    expect(result.schema.key).toEqual([{ name: 'ROWKEY', type: INT, namespace: 'KEY' }]);
    const { input, read } = run(ctx, result);
    input('l').pipeInput([1], [-5], 0);
    input('r').pipeInput([2], [5], 1);
    input('r').pipeInput([3], [6], 2);
    expect(read().map(([k, row]) => [k, pick(result, row, ['L_ID', 'R_ID', 'ROWKEY'])])).toEqual([
      [[5], [1, 2, 5]],
    ]);
  });

  it('a column operand against an expression keeps the column as the key name', async () => {
    const ctx = testContext();
    const l = streamSource(ctx.builder, 'l', 'L', [['ID', INT]], [['A', INT]]);
    const r = streamSource(ctx.builder, 'r', 'R', [['ID', INT]], [['A', INT]]);
    const on = eq(col('L', 'ID'), { kind: 'FunctionCall', name: 'ABS', args: [col('R', 'A')] });
    const result = await planJoin(l, r, joinClause('INNER', 'R', on, within(10)), ctx);
    expect(result.schema.key.map((c) => c.name)).toEqual(['L_ID']);
  });
});
