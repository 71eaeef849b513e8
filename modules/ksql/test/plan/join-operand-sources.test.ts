import { describe, expect, it } from 'vitest';
import { checkOperandSources } from '../../src/plan/join-criteria.js';
import { testEngine } from '../engine/helpers.js';
import { planJoin } from '../../src/plan/join-step.js';
import { col, eq, INT, joinClause, streamSource, testContext, within } from './join-helpers.js';

describe('checkOperandSources (all ON clauses, before planning)', () => {
  const aliases = new Set(['A', 'B', 'C']);

  it('refuses a later join whose operands both name one source', () => {
    const joins = [
      joinClause('INNER', 'B', eq(col('A', 'X'), col('B', 'X'))),
      joinClause('INNER', 'C', eq(col('A', 'Y'), col('A', 'Z'))),
    ];
    expect(() => checkOperandSources(joins, aliases)).toThrow(
      'Each side of the join must reference exactly one source and not the same source. Left side references `A` and right references `A`',
    );
  });

  it('leaves unqualified, mixed or unknown qualifiers to the planner', () => {
    const joins = [
      joinClause('INNER', 'B', eq(col(undefined, 'X'), col(undefined, 'X'))),
      joinClause('INNER', 'C', eq(col('Q', 'Y'), col('Q', 'Z'))),
      joinClause('INNER', 'C', eq(col('A', 'Y'), col('C', 'Z'))),
    ];
    expect(() => checkOperandSources(joins, aliases)).not.toThrow();
  });

  it('in a query, reports that error before the first join’s table-key error', async () => {
    const { engine } = testEngine({ topics: { s: 1, t: 1, u: 1 } });
    await engine.execute(`
      CREATE STREAM S (ID INT KEY, V INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');
      CREATE TABLE T (ID INT PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
      CREATE TABLE U (ID INT PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='u', VALUE_FORMAT='JSON');`);
    await expect(
      engine.execute('CREATE STREAM O AS SELECT * FROM S JOIN T ON S.V = T.V JOIN U ON S.V = S.V;'),
    ).rejects.toThrow(/Left side references `S` and right references `S`/);
  });
});

describe('ambiguous ON columns across a join chain', () => {
  it('lists every candidate, sorted, as ksqlDB’s AmbiguousColumnException does (`A, B or C`)', async () => {
    const ctx = testContext();
    const c = streamSource(ctx.builder, 'c', 'C', [['ID', INT]], [['V', INT]]);
    const a = streamSource(ctx.builder, 'a', 'A', [['ID', INT]], [['V', INT]]);
    const b = streamSource(ctx.builder, 'b', 'B', [['ID', INT]], [['V', INT]]);
    const ab = await planJoin(
      a,
      b,
      joinClause('INNER', 'B', eq(col('A', 'ID'), col('B', 'ID')), within(10)),
      ctx,
    );
    await expect(
      planJoin(
        { alias: 'A', planned: ab, sourceName: 'B' },
        c,
        joinClause('INNER', 'C', eq(col(undefined, 'V'), col('C', 'ID')), within(10)),
        ctx,
      ),
    ).rejects.toThrow("Column 'V' is ambiguous. Could be A.V, B.V or C.V.");
  });
});
