import { SessionWindows, TimeWindows } from '@meterstream/streams';
import { describe, expect, it } from 'vitest';
import type { JoinClause, WindowDuration, WindowExpression } from '../../src/parser/ast.js';
import { DEFAULT_GRACE_MS, planWindow } from '../../src/plan/aggregate-windows.js';
import { SqlTypes } from '../../src/types/sql-type.js';
import { call, cmp, col, columns, int, item, plan, query, star } from './aggregate-helpers.js';

const EMIT_INTERVAL = 'ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__';
const ms = (value: number): WindowDuration => ({ value, unit: 'MILLISECONDS' });
const src = { key: [{ name: 'ID', type: SqlTypes.INTEGER }], value: [{ name: 'V', type: SqlTypes.INTEGER }] };
const counting = (window: WindowExpression, emit: 'CHANGES' | 'FINAL' = 'CHANGES') =>
  query({
    select: [
      item(col('ID')),
      item(col('WINDOWSTART'), 'WS'),
      item(col('WINDOWEND'), 'WE'),
      item(star('COUNT'), 'N'),
    ],
    groupBy: [col('ID')],
    window,
    emit,
  });

describe('planAggregation: windows', () => {
  it('TUMBLING with GRACE PERIOD: windowed keys, window bounds in SELECT, late records dropped', async () => {
    const t = await plan(src, counting({ kind: 'TUMBLING', size: ms(10), grace: ms(5) }));
    expect(t.out.window).toEqual({ type: 'TUMBLING', sizeMs: 10 });
    expect(columns(t.out.schema.value)).toEqual(['WS BIGINT', 'WE BIGINT', 'N BIGINT']);
    t.pipe([1], { V: 0 }, 1);
    t.pipe([1], { V: 0 }, 12);
    t.pipe([1], { V: 0 }, 4); // stream time 12: window [0, 10) is open until 15
    t.pipe([1], { V: 0 }, 20);
    t.pipe([1], { V: 0 }, 5); // stream time 20 ≥ 10 + 5: late, dropped
    expect(t.readKV()).toEqual([
      { key: { key: [1], window: { start: 0, end: 10 } }, value: [0, 10, 1] },
      { key: { key: [1], window: { start: 10, end: 20 } }, value: [10, 20, 1] },
      { key: { key: [1], window: { start: 0, end: 10 } }, value: [0, 10, 2] },
      { key: { key: [1], window: { start: 20, end: 30 } }, value: [20, 30, 1] },
    ]);
    expect(t.driver.metrics().lateRecordDrops).toBe(1);
  });

  it('HOPPING: a record counts in every window containing it', async () => {
    const t = await plan(src, counting({ kind: 'HOPPING', size: ms(10), advance: ms(5), grace: ms(0) }));
    t.pipe([1], { V: 0 }, 7);
    expect(t.readKV()).toEqual([
      { key: { key: [1], window: { start: 0, end: 10 } }, value: [0, 10, 1] },
      { key: { key: [1], window: { start: 5, end: 15 } }, value: [5, 15, 1] },
    ]);
  });

  it('SESSION: sessions merge with their aggregates merged; the merged-away session is tombstoned', async () => {
    const q = query({
      select: [
        item(col('ID')),
        item(col('WINDOWSTART'), 'WS'),
        item(col('WINDOWEND'), 'WE'),
        item(call('SUM', col('V')), 'S'),
      ],
      groupBy: [col('ID')],
      window: { kind: 'SESSION', gap: ms(5), grace: ms(0) },
    });
    const t = await plan(src, q);
    expect(t.out.window).toEqual({ type: 'SESSION' });
    t.pipe([1], { V: 2 }, 0);
    t.pipe([1], { V: 3 }, 3);
    t.pipe([1], { V: 4 }, 20);
    expect(t.readKV()).toEqual([
      { key: { key: [1], window: { start: 0, end: 0 } }, value: [0, 0, 2] },
      { key: { key: [1], window: { start: 0, end: 0 } }, value: null },
      { key: { key: [1], window: { start: 0, end: 3 } }, value: [0, 3, 5] },
      { key: { key: [1], window: { start: 20, end: 20 } }, value: [20, 20, 4] },
    ]);
  });

  it('EMIT FINAL: one result per window, when the window closes', async () => {
    const t = await plan(src, counting({ kind: 'TUMBLING', size: ms(10), grace: ms(2) }, 'FINAL'), {
      properties: { [EMIT_INTERVAL]: '0' },
    });
    t.pipe([1], { V: 0 }, 1);
    t.pipe([1], { V: 0 }, 2);
    t.pipe([2], { V: 0 }, 5);
    t.pipe([1], { V: 0 }, 11); // stream time 11 < 10 + 2: nothing closed yet
    expect(t.readKV()).toEqual([]);
    t.pipe([1], { V: 0 }, 12);
    expect(t.readKV()).toEqual([
      { key: { key: [1], window: { start: 0, end: 10 } }, value: [0, 10, 2] },
      { key: { key: [2], window: { start: 0, end: 10 } }, value: [0, 10, 1] },
    ]);
  });

  it('EMIT FINAL (tumbling): a window closed while no emit ran is expired by the store and never emitted', async () => {
    // Kafka's onWindowClose emit reads closed windows from a store that expires windows starting
    // before (largest stored start − retention); retention here is size + grace = 12.
    const t = await plan(src, counting({ kind: 'TUMBLING', size: ms(10), grace: ms(2) }, 'FINAL'), {
      properties: { [EMIT_INTERVAL]: '0' },
    });
    t.pipe([1], { V: 0 }, 3);
    t.pipe([1], { V: 0 }, 11); // close time 9: nothing closed yet
    // Stream time 40: windows [0,10) and [10,20) are closed; the largest stored start is 40, so only
    // windows starting at ≥ 28 are still readable: none of the closed ones.
    t.pipe([1], { V: 0 }, 40);
    expect(t.readKV()).toEqual([]);
    // Stream time 52 closes [40,50), which is still within retention.
    t.pipe([2], { V: 0 }, 52);
    expect(t.readKV()).toEqual([{ key: { key: [1], window: { start: 40, end: 50 } }, value: [40, 50, 1] }]);
  });

  it('EMIT FINAL (hopping): windows closed since the last emit, each once', async () => {
    const q = counting({ kind: 'HOPPING', size: ms(4), advance: ms(2), grace: ms(0) }, 'FINAL');
    const t = await plan(src, q, { properties: { [EMIT_INTERVAL]: '0' } });
    t.pipe([1], { V: 0 }, 1); // windows [0,4)
    t.pipe([1], { V: 0 }, 3); // windows [0,4) [2,6)
    t.pipe([1], { V: 0 }, 4); // closes [0,4)
    expect(t.readKV()).toEqual([{ key: { key: [1], window: { start: 0, end: 4 } }, value: [0, 4, 2] }]);
    t.pipe([1], { V: 0 }, 5); // close time 5: no window ends in (4, 5]
    expect(t.readKV()).toEqual([]);
    t.pipe([1], { V: 0 }, 6); // closes [2,6)
    expect(t.readKV()).toEqual([{ key: { key: [1], window: { start: 2, end: 6 } }, value: [2, 6, 3] }]);
  });

  it('EMIT FINAL is throttled by wall-clock time (default 1000 ms between looks for closed windows)', async () => {
    const t = await plan(src, counting({ kind: 'TUMBLING', size: ms(10), grace: ms(0) }, 'FINAL'));
    t.pipe([1], { V: 0 }, 1); // first look: nothing closed; next look only after 1 s of wall clock
    t.pipe([1], { V: 0 }, 10);
    t.pipe([1], { V: 0 }, 11);
    expect(t.readKV()).toEqual([]);
    t.driver.advanceWallClockTime(1000);
    t.pipe([1], { V: 0 }, 12);
    expect(t.readKV()).toEqual([{ key: { key: [1], window: { start: 0, end: 10 } }, value: [0, 10, 1] }]);
  });

  it('EMIT FINAL over sessions: only closed sessions, no tombstones of merged ones; missing grace is 0', async () => {
    const q = query({
      select: [item(col('ID')), item(star('COUNT'), 'N')],
      groupBy: [col('ID')],
      window: { kind: 'SESSION', gap: ms(5) },
      emit: 'FINAL',
    });
    const t = await plan(src, q);
    for (const ts of [0, 4, 8, 12, 14, 30, 29, 17]) t.pipe([1], { V: 0 }, ts);
    // 17 arrived after stream time 30 with grace 0: its session [17, 17] is already closed.
    expect(t.readKV()).toEqual([{ key: { key: [1], window: { start: 0, end: 14 } }, value: [5] }]);
    t.pipe([1], { V: 0 }, 42);
    expect(t.readKV()).toEqual([{ key: { key: [1], window: { start: 29, end: 30 } }, value: [2] }]);
  });

  it('window bounds may be qualified by the source and used in expressions', async () => {
    const q = query({
      select: [
        item(col('ID')),
        item({ kind: 'Arithmetic', op: '/', left: col('WINDOWSTART', 'INPUT'), right: int(2) }, 'HALF'),
        item(star('COUNT'), 'N'),
      ],
      groupBy: [col('ID')],
      window: { kind: 'TUMBLING', size: ms(10) },
    });
    const t = await plan(src, q);
    t.pipe([1], { V: 0 }, 25);
    expect(t.readKV()).toEqual([{ key: { key: [1], window: { start: 20, end: 30 } }, value: [10, 1] }]);
  });

  it('window bounds only in SELECT, and only under an alias', async () => {
    const window: WindowExpression = { kind: 'TUMBLING', size: ms(10) };
    const bounds =
      'Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations';
    const select = [item(col('ID')), item(star('COUNT'), 'N')];
    await expect(
      plan(src, query({ select, groupBy: [col('ID'), col('WINDOWSTART')], window })),
    ).rejects.toThrow(bounds);
    await expect(
      plan(
        src,
        query({
          select: [item(col('ID')), item(call('MIN', col('WINDOWSTART')))],
          groupBy: [col('ID')],
          window,
        }),
      ),
    ).rejects.toThrow(bounds);
    await expect(
      plan(
        src,
        query({ select, groupBy: [col('ID')], window, having: cmp('>', col('WINDOWSTART'), int(1)) }),
      ),
    ).rejects.toThrow(bounds);
    await expect(
      plan(src, query({ select: [...select, item(col('WINDOWEND'))], groupBy: [col('ID')], window })),
    ).rejects.toThrow('Reserved column name in select: `WINDOWEND`. Please remove or alias the column.');
  });

  it('aggregates with a WINDOW but no GROUP BY: the aggregate analysis says what is wrong, as ksqlDB', async () => {
    const window: WindowExpression = { kind: 'TUMBLING', size: ms(10) };
    const withColumn = query({ select: [item(col('ID')), item(star('COUNT'), 'N')], groupBy: [], window });
    await expect(plan(src, withColumn)).rejects.toThrow(
      'Non-aggregate SELECT expression(s) not part of GROUP BY: ID',
    );
    const onlyAggregates = query({ select: [item(star('COUNT'), 'N')], groupBy: [], window });
    await expect(plan(src, onlyAggregates)).rejects.toThrow(
      'does not support aggregate function [COUNT(ROWTIME)] without a GROUP BY clause.',
    );
  });

  it('window bounds of an aggregation over a join cannot be resolved, as in ksqlDB', async () => {
    const join: JoinClause = {
      type: 'INNER',
      right: { name: 'OTHER' },
      on: cmp('=', col('ID'), col('ID', 'OTHER')),
    };
    const q = { ...counting({ kind: 'TUMBLING', size: ms(10) }), joins: [join] };
    await expect(plan(src, q)).rejects.toThrow("SELECT column 'WINDOWSTART' cannot be resolved.");
  });

  it('a window on a table source is refused', async () => {
    const q = counting({ kind: 'TUMBLING', size: ms(10) });
    await expect(plan({ ...src, kind: 'TABLE' }, q)).rejects.toThrow(
      /WINDOW clause requires a STREAM source/,
    );
  });
});

describe('planWindow', () => {
  it('defaults the grace to 24 hours less the window size, never below zero', () => {
    expect(DEFAULT_GRACE_MS).toBe(86_400_000);
    expect(planWindow({ kind: 'TUMBLING', size: { value: 1, unit: 'HOURS' } }).graceMs).toBe(23 * 3_600_000);
    expect(planWindow({ kind: 'SESSION', gap: { value: 2, unit: 'DAYS' } }).graceMs).toBe(0);
    expect(planWindow({ kind: 'TUMBLING', size: ms(10), grace: ms(3) }).graceMs).toBe(3);
    // EMIT FINAL: no grace written means none.
    expect(planWindow({ kind: 'TUMBLING', size: ms(10) }, true).graceMs).toBe(0);
    expect(planWindow({ kind: 'TUMBLING', size: ms(10), grace: ms(3) }, true).graceMs).toBe(3);
  });

  it('builds the streams windows of each kind', () => {
    const hopping = planWindow({
      kind: 'HOPPING',
      size: { value: 1, unit: 'MINUTES' },
      advance: { value: 10, unit: 'SECONDS' },
    });
    expect(hopping.windows).toBeInstanceOf(TimeWindows);
    expect((hopping.windows as TimeWindows).advanceMs).toBe(10_000);
    expect(hopping.info).toEqual({ type: 'HOPPING', sizeMs: 60_000 });
    expect(planWindow({ kind: 'SESSION', gap: ms(30) }).windows).toBeInstanceOf(SessionWindows);
  });

  it('RETENTION must hold the window and its grace; a bad window reads as a KSQL error', () => {
    expect(planWindow({ kind: 'TUMBLING', size: ms(10), grace: ms(5), retention: ms(100) }).retentionMs).toBe(
      100,
    );
    expect(() => planWindow({ kind: 'TUMBLING', size: ms(10), grace: ms(5), retention: ms(12) })).toThrow(
      /retention period of the window store must be no smaller than its window size plus the grace period/,
    );
    expect(() => planWindow({ kind: 'HOPPING', size: ms(10), advance: ms(20) })).toThrow(
      /advance 20 ms exceeds window size/,
    );
  });
});
