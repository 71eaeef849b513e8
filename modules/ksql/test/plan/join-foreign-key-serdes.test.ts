import { describe, expect, it } from 'vitest';
import type { FormatInfo } from '../../src/format/format.js';
import { type JoinSide, planJoin } from '../../src/plan/join-step.js';
import { SqlTypes } from '../../src/types/sql-type.js';
import { col, eq, INT, joinClause, pick, run, STRING, tableSource, testContext } from './join-helpers.js';

const ID_STRUCT = SqlTypes.struct([{ name: 'VAL', type: SqlTypes.BIGINT }]);
const withFormat = (s: JoinSide, name: FormatInfo['name']): JoinSide => ({
  ...s,
  keyFormat: { name, properties: {} },
});

async function fkJoin(rightFormat: FormatInfo['name']) {
  const ctx = testContext();
  const left = withFormat(
    tableSource(
      ctx.builder,
      'l',
      'L',
      [['LID', INT]],
      [
        ['FK', ID_STRUCT],
        ['NAME', STRING],
      ],
    ),
    'AVRO',
  );
  const right = withFormat(
    tableSource(ctx.builder, 'r', 'R', [['RID', ID_STRUCT]], [['F1', INT]]),
    rightFormat,
  );
  const result = await planJoin(
    left,
    right,
    joinClause('INNER', 'R', eq(col('L', 'FK'), col('R', 'RID'))),
    ctx,
  );
  return { ctx, result, ...run(ctx, result) };
}

describe('planJoin: foreign-key join serdes and re-keying', () => {
  it('asks for each side’s key and row serdes under its own subject (a registry format could not share one)', async () => {
    const { ctx } = await fkJoin('KAFKA');
    const fkTopics = ctx.formats.topics.filter((t) => t.includes('FkJoin'));
    expect(fkTopics).toEqual(['app-FkJoin-Left', 'app-FkJoin-Right', 'app-FkJoin-Left', 'app-FkJoin-Right']);
  });

  it('re-keys a right table with a STRUCT key in a Schema Registry format (RightSourceKeyed) and still joins', async () => {
    const { result, topology, input, read } = await fkJoin('AVRO');
    expect(topology.internalTopics('app').map((t) => t.name)).toContain(
      'app-RightSourceKeyed-SelectKey-repartition',
    );
    input('r').pipeInput([{ VAL: 1 }], [100], 1);
    input('l').pipeInput([7], [{ VAL: 1 }, 'seven'], 2);
    expect(read().map(([k, row]) => [k, pick(result, row, ['L_NAME', 'R_F1'])])).toEqual([
      [[7], ['seven', 100]],
    ]);
  });

  it('leaves a right table with a primitive-format key alone', async () => {
    const { topology } = await fkJoin('KAFKA');
    expect(topology.internalTopics('app').map((t) => t.name)).not.toContain(
      'app-RightSourceKeyed-SelectKey-repartition',
    );
  });
});
