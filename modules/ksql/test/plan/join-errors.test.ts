import { describe, expect, it } from 'vitest';
import type { Expression, JoinType, JoinWithin } from '../../src/parser/ast.js';
import { type JoinSide, planJoin } from '../../src/plan/join-step.js';
import {
  BIGINT,
  col,
  eq,
  INT,
  joinClause,
  STRING,
  streamSource,
  tableSource,
  testContext,
  within,
} from './join-helpers.js';

type Kind = 'stream' | 'table';

function sides(left: Kind, right: Kind, opts: { rightKeyType?: typeof INT; lp?: number; rp?: number } = {}) {
  const ctx = testContext();
  const make = (kind: Kind, topic: string, alias: string, keyType = INT, partitions?: number): JoinSide =>
    (kind === 'stream' ? streamSource : tableSource)(
      ctx.builder,
      topic,
      alias,
      [['ID', keyType]],
      [
        ['F', INT],
        ['S', STRING],
      ],
      partitions,
    );
  return {
    ctx,
    l: make(left, 'left_src', 'L', INT, opts.lp),
    r: make(right, 'right_src', 'R', opts.rightKeyType, opts.rp),
  };
}

async function error(
  left: Kind,
  right: Kind,
  type: JoinType,
  on: Expression,
  w?: JoinWithin,
  opts = {},
): Promise<string> {
  const { ctx, l, r } = sides(left, right, opts);
  try {
    await planJoin(l, r, joinClause(type, 'R', on, w), ctx);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('planJoin accepted the join');
}

const byId = eq(col('L', 'ID'), col('R', 'ID'));

describe('planJoin: combinations and criteria ksqlDB rejects', () => {
  it('table–stream order', async () => {
    expect(await error('table', 'stream', 'INNER', byId)).toBe(
      'Invalid join order: table-stream joins are not supported; only stream-table joins. Got LEFT_SRC [INNER] JOIN RIGHT_SRC.',
    );
  });

  it('stream–stream without WITHIN, and WITHIN on a table join', async () => {
    expect(await error('stream', 'stream', 'INNER', byId)).toMatch(
      /^Stream-Stream joins must have a WITHIN clause specified/,
    );
    expect(await error('stream', 'table', 'INNER', byId, within(10))).toMatch(
      /^A window definition was provided for a Stream-Table join/,
    );
    expect(await error('table', 'table', 'INNER', byId, within(10))).toMatch(
      /^A window definition was provided for a Table-Table join/,
    );
  });

  it('FULL and RIGHT stream–table joins', async () => {
    expect(await error('stream', 'table', 'FULL', byId)).toBe(
      'Invalid join type: full-outer join not supported for stream-table join. Got LEFT_SRC [FULL] OUTER JOIN RIGHT_SRC.',
    );
    expect(await error('stream', 'table', 'RIGHT', byId)).toMatch(
      /right-outer join not supported for stream-table join/,
    );
  });

  it('a stream–table join not on the table key', async () => {
    expect(await error('stream', 'table', 'INNER', eq(col('L', 'ID'), col('R', 'F')))).toBe(
      "Invalid join condition: stream-table joins require to join on the table's primary key. Got L.ID = R.F.",
    );
  });

  it('a table–table join not on the right table key (printed as written, flipped)', async () => {
    expect(await error('table', 'table', 'INNER', eq(col('R', 'F'), col('L', 'ID')))).toBe(
      'Invalid join condition: table-table joins require to join on the primary key of the right input table. Got R.F = L.ID.',
    );
  });

  it('join key types that differ', async () => {
    expect(await error('stream', 'table', 'INNER', byId, undefined, { rightKeyType: BIGINT })).toBe(
      "Invalid join condition: types don't match. Got L.ID{INTEGER} = R.ID{BIGINT}.",
    );
  });

  it('unknown and ambiguous columns, operands that reference no or the same source', async () => {
    expect(await error('stream', 'table', 'INNER', eq(col('L', 'NOPE'), col('R', 'ID')))).toBe(
      "JOIN ON column 'L.NOPE' cannot be resolved.",
    );
    expect(await error('stream', 'table', 'INNER', eq(col(undefined, 'ID'), col('R', 'ID')))).toBe(
      "Exception while preparing statement: Column 'ID' is ambiguous. Could be L.ID or R.ID.",
    );
    expect(
      await error(
        'stream',
        'table',
        'INNER',
        eq(col('R', 'ID'), { kind: 'IntegerLiteral', value: 0, type: 'INTEGER' }),
      ),
    ).toBe(
      "Invalid comparison expression '0' in join '(R.ID = 0)'. Each side of the join comparision must contain references from exactly one source.",
    );
    expect(await error('stream', 'table', 'INNER', eq(col('L', 'ID'), col('L', 'F')))).toBe(
      'Each side of the join must reference exactly one source and not the same source. Left side references `L` and right references `L`',
    );
  });

  it('several conditions, and a non-equality', async () => {
    const and: Expression = { kind: 'And', left: byId, right: byId };
    expect(await error('stream', 'table', 'INNER', and)).toBe(
      'Invalid join condition: joins on multiple conditions are not yet supported. Got ((L.ID = R.ID) AND (L.ID = R.ID)).',
    );
    const lt: Expression = { kind: 'Comparison', op: '<', left: col('L', 'ID'), right: col('R', 'ID') };
    expect(await error('stream', 'table', 'INNER', lt)).toBe('Only equality join criteria is supported.');
  });

  it('partition counts that differ', async () => {
    expect(await error('stream', 'table', 'INNER', byId, undefined, { lp: 1, rp: 2 })).toBe(
      "Can't join `L` with `R` since the number of partitions don't match. `L` partitions = 1; `R` partitions = 2. " +
        'Please repartition either one so that the number of partitions match.',
    );
  });

  it('self joins', async () => {
    const ctx = testContext();
    const a = streamSource(ctx.builder, 'input', 'A', [['ID', INT]], [['F', INT]]);
    const b = {
      ...streamSource(ctx.builder, 'input2', 'B', [['ID', INT]], [['F', INT]]),
      sourceName: 'INPUT',
    };
    await expect(
      planJoin(a, b, joinClause('INNER', 'B', eq(col('A', 'ID'), col('B', 'ID')), within(10)), ctx),
    ).rejects.toThrow("Can not join 'INPUT' to 'INPUT': self joins are not yet supported.");
  });

  it('foreign-key joins: FULL and RIGHT', async () => {
    const fkOn = eq(col('L', 'F'), col('R', 'ID'));
    expect(await error('table', 'table', 'FULL', fkOn)).toBe(
      'Invalid join type: full-outer join not supported for foreign-key table-table join. Got LEFT_SRC [FULL] OUTER JOIN RIGHT_SRC.',
    );
    expect(await error('table', 'table', 'RIGHT', fkOn)).toBe(
      'RIGHT OUTER JOIN on a foreign key is not supported',
    );
  });
});
