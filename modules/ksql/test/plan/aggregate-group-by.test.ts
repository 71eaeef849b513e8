import { describe, expect, it } from 'vitest';
import { KsqlError } from '../../src/errors.js';
import { SqlTypes } from '../../src/types/sql-type.js';
import { add, call, cmp, col, columns, int, item, plan, query, star } from './aggregate-helpers.js';

const { INTEGER, STRING } = SqlTypes;

const events = {
  key: [{ name: 'ID', type: INTEGER }],
  value: [
    { name: 'DATA', type: STRING },
    { name: 'V', type: INTEGER },
  ],
};

describe('planAggregation: GROUP BY on a stream', () => {
  it('re-keys by a value column through Aggregate-GroupBy-repartition and counts per key', async () => {
    const q = query({
      select: [item(col('DATA')), item(star('COUNT'), 'COUNT'), item(call('SUM', col('V')))],
      groupBy: [col('DATA')],
    });
    const t = await plan(events, q);
    expect(columns(t.out.schema.key)).toEqual(['DATA STRING']);
    expect(columns(t.out.schema.value)).toEqual(['COUNT BIGINT', 'KSQL_COL_0 INTEGER']);
    expect(t.topology.isRepartitionTopic('Aggregate-GroupBy-repartition')).toBe(true);
    t.pipe([0], { DATA: 'd1', V: 1 }, 10);
    t.pipe([1], { DATA: 'd2', V: 2 }, 11);
    t.pipe([2], { DATA: 'd1', V: 3 }, 12);
    t.pipe([3], { DATA: null, V: 4 }, 13); // NULL group-by value: dropped
    expect(t.read()).toEqual([
      { key: ['d1'], value: [1, 1], ts: 10 },
      { key: ['d2'], value: [1, 2], ts: 11 },
      { key: ['d1'], value: [2, 4], ts: 12 },
    ]);
    expect(t.driver.getStateStore('Aggregate-Aggregate-Materialize')).toBeDefined();
  });

  it('does not repartition when grouped by the key column, and skips tombstones', async () => {
    const q = query({ select: [item(col('ID')), item(call('COUNT', int(1)), 'N')], groupBy: [col('ID')] });
    const t = await plan(events, q);
    expect(t.topology.isRepartitionTopic('Aggregate-GroupBy-repartition')).toBe(false);
    t.pipe([7], { DATA: 'x', V: 0 });
    t.pipe([7], null);
    t.pipe([7], { DATA: 'y', V: 0 });
    expect(t.readKV()).toEqual([
      { key: [7], value: [1] },
      { key: [7], value: [2] },
    ]);
  });

  it('COUNT(col) does not count NULL arguments', async () => {
    const q = query({
      select: [item(col('ID')), item(call('COUNT', col('DATA')), 'N')],
      groupBy: [col('ID')],
    });
    const t = await plan(events, q);
    t.pipe([1], { DATA: null, V: 0 });
    t.pipe([1], { DATA: 'a', V: 0 });
    expect(t.readKV().map((r) => r.value)).toEqual([[0], [1]]);
  });

  it('several columns make a multi-column key in GROUP BY order, named by the SELECT items', async () => {
    const q = query({
      select: [item(col('V')), item(col('ID')), item(add(col('V'), col('ID'))), item(star('COUNT'))],
      groupBy: [col('ID'), col('V')],
    });
    const t = await plan(events, q);
    expect(columns(t.out.schema.key)).toEqual(['ID INTEGER', 'V INTEGER']);
    expect(columns(t.out.schema.value)).toEqual(['KSQL_COL_0 INTEGER', 'KSQL_COL_1 BIGINT']);
    t.pipe([1], { DATA: 'a', V: 2 });
    t.pipe([1], { DATA: 'b', V: 2 });
    t.pipe([2], { DATA: 'c', V: 4 });
    expect(t.readKV()).toEqual([
      { key: [1, 2], value: [3, 1] },
      { key: [1, 2], value: [3, 2] },
      { key: [2, 4], value: [6, 1] },
    ]);
  });

  it('an expression key takes the alias its SELECT item has (KSQL_COL_n when none)', async () => {
    const q = query({
      select: [item(call('LEN', col('DATA'))), item(star('COUNT'), 'COUNT')],
      groupBy: [call('LEN', col('DATA'))],
    });
    const t = await plan(events, q);
    expect(columns(t.out.schema.key)).toEqual(['KSQL_COL_0 INTEGER']);
    t.pipe([0], { DATA: '22', V: 0 });
    t.pipe([1], { DATA: '333', V: 0 });
    t.pipe([2], { DATA: '-2', V: 0 });
    expect(t.readKV()).toEqual([
      { key: [2], value: [1] },
      { key: [3], value: [1] },
      { key: [2], value: [2] },
    ]);
  });

  it('a non-aggregate SELECT expression over GROUP BY expressions is computed from the key', async () => {
    const q = query({
      select: [item(col('DATA'), 'K'), item(call('LEN', col('DATA')), 'L'), item(call('MAX', col('V')), 'M')],
      groupBy: [col('DATA')],
    });
    const t = await plan(events, q);
    expect(columns(t.out.schema.key)).toEqual(['K STRING']);
    t.pipe([0], { DATA: 'abc', V: 5 });
    t.pipe([0], { DATA: 'abc', V: 2 });
    expect(t.readKV().map((r) => r.value)).toEqual([
      [3, 5],
      [3, 5],
    ]);
  });

  it('HAVING filters the aggregated rows: a row that stops passing becomes a tombstone', async () => {
    const q = query({
      select: [item(col('DATA')), item(call('LEN', col('DATA')), 'LEN')],
      groupBy: [col('DATA')],
      having: cmp('=', call('COUNT', col('DATA')), int(2)),
    });
    const t = await plan(events, q);
    t.pipe([0], { DATA: 'bob', V: 0 }, 1);
    t.pipe([0], { DATA: 'bob', V: 0 }, 2);
    t.pipe([0], { DATA: 'bob', V: 0 }, 3);
    t.pipe([0], { DATA: 'bob', V: 0 }, 4);
    expect(t.read()).toEqual([
      { key: ['bob'], value: [3], ts: 2 },
      { key: ['bob'], value: null, ts: 3 },
    ]);
  });

  it('duplicate aggregate calls share one accumulator and ROWTIME-free COUNT(*) counts rows', async () => {
    const q = query({
      select: [
        item(col('ID')),
        item(call('SUM', col('V')), 'A'),
        item(add(call('SUM', col('V')), int(1)), 'B'),
      ],
      groupBy: [col('ID')],
    });
    const t = await plan(events, q);
    t.pipe([1], { DATA: '', V: 10 });
    expect(t.readKV()).toEqual([{ key: [1], value: [10, 11] }]);
  });
});

describe('planAggregation: GROUP BY over a table', () => {
  const users = {
    kind: 'TABLE' as const,
    key: [{ name: 'ID', type: STRING }],
    value: [{ name: 'NAME', type: STRING }],
  };

  it('subtracts a replaced or deleted row from its old group (undo) and adds it to the new one', async () => {
    const q = query({
      select: [item(col('NAME')), item(call('COUNT', int(1)), 'N')],
      groupBy: [col('NAME')],
    });
    const t = await plan(users, q);
    t.pipe(['0'], { NAME: 'bob' });
    t.pipe(['0'], { NAME: 'john' });
    t.pipe(['100'], { NAME: 'john' });
    t.pipe(['100'], null);
    expect(t.readKV()).toEqual([
      { key: ['bob'], value: [1] },
      { key: ['bob'], value: [0] },
      { key: ['john'], value: [1] },
      { key: ['john'], value: [2] },
      { key: ['john'], value: [1] },
    ]);
  });

  it('HAVING COUNT(*) > 0 removes groups that count back to zero', async () => {
    const q = query({
      select: [item(col('NAME')), item(star('COUNT'), 'N')],
      groupBy: [col('NAME')],
      having: cmp('>', star('COUNT'), int(0)),
    });
    const t = await plan(users, q);
    t.pipe(['1'], { NAME: 'x' });
    t.pipe(['2'], { NAME: 'x' });
    t.pipe(['1'], null);
    t.pipe(['2'], null);
    expect(t.readKV()).toEqual([
      { key: ['x'], value: [1] },
      { key: ['x'], value: [2] },
      { key: ['x'], value: [1] },
      { key: ['x'], value: null },
    ]);
  });

  it('refuses aggregates that cannot take a row back out', async () => {
    const q = query({
      select: [
        item(col('NAME')),
        item(call('LATEST_BY_OFFSET', col('ID'))),
        item(call('MIN', col('ID'))),
        item(call('MAX', col('ID'))),
      ],
      groupBy: [col('NAME')],
    });
    await expect(plan(users, q)).rejects.toThrow(
      'The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source, only to a stream source.',
    );
  });
});

describe('planAggregation: what ksqlDB rejects', () => {
  it('SELECT expressions that are neither aggregates nor GROUP BY expressions', async () => {
    const q = query({
      select: [item(col('ID')), item(col('DATA')), item(star('COUNT'))],
      groupBy: [col('ID')],
    });
    await expect(plan(events, q)).rejects.toThrow(
      'Non-aggregate SELECT expression(s) not part of GROUP BY: DATA',
    );
  });

  it('a HAVING that reads a column outside GROUP BY', async () => {
    const q = query({
      select: [item(col('ID')), item(star('COUNT'))],
      groupBy: [col('ID')],
      having: cmp('=', col('DATA'), int(1)),
    });
    await expect(plan(events, q)).rejects.toThrow(
      'Non-aggregate HAVING expression not part of GROUP BY: DATA',
    );
  });

  it('a persistent query whose projection lacks a grouping expression, or repeats one', async () => {
    const missing = query({ select: [item(star('COUNT'))], groupBy: [col('ID'), col('DATA')] });
    await expect(plan(events, missing, { sinkName: 'OUTPUT' })).rejects.toThrow(
      'The query used to build `OUTPUT` must include the grouping expressions ID and DATA in its projection (eg, SELECT ID, DATA...).',
    );
    const twice = query({
      select: [item(col('DATA')), item(col('DATA'), 'D2'), item(star('COUNT'))],
      groupBy: [col('DATA')],
    });
    await expect(plan(events, twice)).rejects.toThrow(
      'The projection contains a key column more than once: `DATA` and `D2`.',
    );
  });

  it('nested aggregates, duplicate GROUP BY expressions, no value columns, clashing names', async () => {
    await expect(
      plan(
        events,
        query({ select: [item(col('ID')), item(call('SUM', star('COUNT')))], groupBy: [col('ID')] }),
      ),
    ).rejects.toThrow('Aggregate functions can not be nested: SUM(COUNT(*))');
    await expect(
      plan(
        events,
        query({
          select: [item(col('DATA')), item(star('COUNT'))],
          groupBy: [col('DATA'), col('DATA', 'INPUT')],
        }),
      ),
    ).rejects.toThrow('Duplicate GROUP BY expression: INPUT.DATA');
    await expect(
      plan(
        events,
        query({
          select: [item(col('DATA'))],
          groupBy: [col('DATA')],
          having: cmp('>', star('COUNT'), int(1)),
        }),
      ),
    ).rejects.toThrow('The projection contains no value columns.');
    await expect(
      plan(
        events,
        query({ select: [item(col('DATA'), 'COUNT'), item(star('COUNT'), 'COUNT')], groupBy: [col('DATA')] }),
      ),
    ).rejects.toThrow('Duplicate value columns found in schema: `COUNT` BIGINT');
  });

  it('GROUP BY without aggregates, aggregates without GROUP BY, aggregates in GROUP BY', async () => {
    await expect(
      plan(events, query({ select: [item(col('DATA')), item(col('V'))], groupBy: [col('DATA')] })),
    ).rejects.toThrow('GROUP BY requires aggregate functions in either the SELECT or HAVING clause.');
    await expect(
      plan(events, query({ select: [item(col('DATA')), item(star('COUNT'))], groupBy: [] })),
    ).rejects.toThrow('Non-aggregate SELECT expression(s) not part of GROUP BY: DATA');
    await expect(plan(events, query({ select: [item(star('COUNT'))], groupBy: [] }))).rejects.toThrow(
      'CREATE TABLE AS SELECT statement does not support aggregate function [COUNT(ROWTIME)] without a GROUP BY clause.',
    );
    await expect(
      plan(events, query({ select: [item(star('COUNT'))], groupBy: [add(call('SUM', col('V')), int(1))] })),
    ).rejects.toThrow('GROUP BY does not support aggregate functions: SUM is an aggregate function.');
  });

  it('a non-aggregate SELECT expression is reported before a grouping expression missing from the projection', async () => {
    const q = query({ select: [item(col('DATA')), item(star('COUNT'))], groupBy: [col('V')] });
    await expect(plan(events, q, { sinkName: 'OUTPUT' })).rejects.toThrow(
      'Non-aggregate SELECT expression(s) not part of GROUP BY: DATA',
    );
    const unknown = query({
      select: [item(col('ID')), item(call('WONT_FIND_ME', col('DATA')))],
      groupBy: [col('ID')],
    });
    await expect(plan(events, unknown)).rejects.toThrow(
      "Can't find any functions with the name 'WONT_FIND_ME'",
    );
  });

  it('a parameter that must be a literal but is an expression', async () => {
    const q = query({
      select: [item(col('ID')), item(call('EARLIEST_BY_OFFSET', col('V'), col('V')))],
      groupBy: [col('ID')],
    });
    await expect(plan(events, q)).rejects.toThrow(
      "Parameter 2 passed to function EARLIEST_BY_OFFSET must be a literal constant, but was expression: 'V'",
    );
  });

  it('KAFKA values cannot be grouped; DELIMITED values cannot hold structured intermediates', async () => {
    const q = query({ select: [item(col('ID')), item(call('AVG', col('V')))], groupBy: [col('ID')] });
    await expect(plan(events, q, { valueFormat: 'KAFKA' })).rejects.toThrow(
      "Source(s) INPUT are using the 'KAFKA' value format. This format does not yet support GROUP BY.",
    );
    await expect(plan(events, q, { valueFormat: 'DELIMITED' })).rejects.toThrow(
      'One of the functions used in the statement has an intermediate type that the value format can not handle.',
    );
    const counting = query({ select: [item(col('ID')), item(star('COUNT'))], groupBy: [col('ID')] });
    await expect(plan(events, counting, { valueFormat: 'DELIMITED' })).resolves.toBeDefined();
  });

  it('a HAVING type error names the aggregate call, prefixed as ksqlDB does', async () => {
    const q = query({
      select: [item(col('ID')), item(star('COUNT'))],
      groupBy: [col('ID')],
      having: cmp('>', call('SUM', col('V')), { kind: 'StringLiteral', value: '100' }),
    });
    await expect(plan(events, q)).rejects.toThrow(
      "Error in HAVING expression: Cannot compare SUM(V) (INTEGER) to '100' (STRING) with GREATER_THAN.",
    );
  });

  it('a reserved name in the projection is reported first', async () => {
    const q = query({
      select: [item(col('ID')), item(col('WINDOWSTART')), item(star('COUNT'))],
      groupBy: [col('WINDOWSTART')],
    });
    await expect(plan(events, q)).rejects.toThrow(
      'Reserved column name in select: `WINDOWSTART`. Please remove or alias the column.',
    );
  });

  it('EMIT FINAL without a window', async () => {
    const q = query({ select: [item(col('ID')), item(star('COUNT'))], groupBy: [col('ID')], emit: 'FINAL' });
    await expect(plan(events, q)).rejects.toThrow(KsqlError);
    await expect(plan(events, q)).rejects.toThrow('EMIT FINAL is only supported for windowed aggregations.');
  });

  it('the column types of the output follow the aggregate result types', async () => {
    const q = query({
      select: [
        item(col('ID')),
        item(call('AVG', col('V')), 'A'),
        item(call('COLLECT_LIST', col('DATA')), 'L'),
      ],
      groupBy: [col('ID')],
    });
    const t = await plan(events, q);
    expect(t.out.schema.value.map((c) => c.type)).toEqual([SqlTypes.DOUBLE, SqlTypes.array(STRING)]);
    expect(t.out.schema.key.map((c) => c.type)).toEqual([INTEGER]);
  });
});
