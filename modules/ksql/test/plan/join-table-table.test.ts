import { describe, expect, it } from 'vitest';
import type { JoinType } from '../../src/parser/ast.js';
import { planJoin } from '../../src/plan/join-step.js';
import { col, eq, INT, joinClause, pick, run, STRING, tableSource, testContext } from './join-helpers.js';

async function setup(type: JoinType) {
  const ctx = testContext();
  const a = tableSource(ctx.builder, 'a', 'A', [['ID', INT]], [['X', STRING]]);
  const b = tableSource(ctx.builder, 'b', 'B', [['ID', INT]], [['Y', STRING]]);
  const result = await planJoin(a, b, joinClause(type, 'B', eq(col('A', 'ID'), col('B', 'ID'))), ctx);
  const { input, read } = run(ctx, result);
  const ai = input('a');
  const bi = input('b');
  ai.pipeInput([1], ['a1'], 1);
  bi.pipeInput([2], ['b2'], 2);
  bi.pipeInput([1], ['b1'], 3);
  ai.pipeInput([1], null, 4);
  return { result, out: read().map(([k, row, ts]) => [k, pick(result, row, ['A_X', 'B_Y', 'ROWTIME']), ts]) };
}

describe('planJoin: table–table on the primary key', () => {
  it('inner', async () => {
    const { result, out } = await setup('INNER');
    expect(result.kind).toBe('TABLE');
    expect(result.schema.key.map((c) => c.name)).toEqual(['A_ID']);
    expect(out).toEqual([
      [[1], ['a1', 'b1', 3], 3],
      [[1], null, 4],
    ]);
  });

  it('left', async () => {
    expect((await setup('LEFT')).out).toEqual([
      [[1], ['a1', null, 1], 1],
      [[1], ['a1', 'b1', 3], 3],
      [[1], null, 4],
    ]);
  });

  it('right (ksqlDB 0.26+)', async () => {
    const { result, out } = await setup('RIGHT');
    expect(result.schema.key.map((c) => c.name)).toEqual(['A_ID']);
    expect(out).toEqual([
      [[2], [null, 'b2', 2], 2],
      [[1], ['a1', 'b1', 3], 3],
      [[1], [null, 'b1', 4], 4],
    ]);
  });

  it('full outer: synthetic ROWKEY key holding the key of whichever side exists', async () => {
    const { result, out } = await setup('FULL');
    expect(result.schema.key.map((c) => c.name)).toEqual(['ROWKEY']);
    expect(out).toEqual([
      [[1], ['a1', null, 1], 1],
      [[2], [null, 'b2', 2], 2],
      [[1], ['a1', 'b1', 3], 3],
      [[1], [null, 'b1', 4], 4],
    ]);
  });
});

describe('planJoin: foreign-key table–table join', () => {
  async function fk(type: JoinType) {
    const ctx = testContext();
    const orders = tableSource(
      ctx.builder,
      'orders',
      'O',
      [['OID', INT]],
      [
        ['CID', INT],
        ['ITEM', STRING],
      ],
    );
    const customers = tableSource(ctx.builder, 'customers', 'C', [['ID', INT]], [['NAME', STRING]]);
    const result = await planJoin(
      orders,
      customers,
      joinClause(type, 'C', eq(col('O', 'CID'), col('C', 'ID'))),
      ctx,
    );
    return { ctx, result, ...run(ctx, result) };
  }

  it('joins each left row with the right row its column points at; keyed by the left key', async () => {
    const { result, topology, input, read } = await fk('INNER');
    expect(result.kind).toBe('TABLE');
    expect(result.schema.key.map((c) => c.name)).toEqual(['O_OID']);
    expect(topology.internalTopics('app').some((t) => t.name.includes('SUBSCRIPTION-REGISTRATION'))).toBe(
      true,
    );
    input('orders').pipeInput([10], [1, 'apple'], 1);
    input('customers').pipeInput([1], ['Ann'], 2);
    input('orders').pipeInput([11], [1, 'pear'], 3);
    input('customers').pipeInput([1], ['Anne'], 4);
    expect(read().map(([k, row]) => [k, pick(result, row, ['O_ITEM', 'C_NAME', 'O_OID'])])).toEqual([
      [[10], ['apple', 'Ann', 10]],
      [[11], ['pear', 'Ann', 11]],
      [[10], ['apple', 'Anne', 10]],
      [[11], ['pear', 'Anne', 11]],
    ]);
  });

  it('left join: a NULL foreign key joins NULLs', async () => {
    const { result, input, read } = await fk('LEFT');
    input('orders').pipeInput([10], [null, 'apple'], 1);
    expect(read().map(([k, row]) => [k, pick(result, row, ['O_ITEM', 'C_NAME'])])).toEqual([
      [[10], ['apple', null]],
    ]);
  });
});
