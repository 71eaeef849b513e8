import type { AggregateMetric, MetricAttribute, MetricType } from '@meterstream/common';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateDao } from '../src/aggregate-dao.js';
import { HighWaterMarkDao } from '../src/high-water-mark-dao.js';
import { applyMigrations, migrations } from '../src/schema.js';
import { type TestCassandra, startTestCassandra } from '@meterstream/test-support';

const t = (iso: string) => Date.parse(iso);
const series = {
  gateway: 'gw-7',
  metricType: 'ELECTRICITY' as MetricType,
  metricAttribute: 'ACTIVE_POWER' as MetricAttribute,
};

/** One aggregate per window from `start` (inclusive) to `end` (exclusive), values derived from the index. */
function aggregates(
  window: number,
  start: number,
  end: number,
  id: { gateway: string; metricType: MetricType; metricAttribute: MetricAttribute } = series,
): AggregateMetric[] {
  const list: AggregateMetric[] = [];
  for (let s = start, i = 0; s < end; s += window * 1000, i++) {
    list.push({
      ...id,
      windowStart: s,
      windowEnd: s + window * 1000,
      sampleCount: (i % 60) + 1,
      min: i * 0.5,
      max: i * 0.5 + 2,
      sum: i * 4,
      average: (i * 4) / ((i % 60) + 1),
    });
  }
  return list;
}

function inRange(rows: AggregateMetric[], from: number, to: number): AggregateMetric[] {
  return rows.filter((a) => a.windowStart >= from && a.windowStart < to);
}

const byStartAsc = (a: AggregateMetric, b: AggregateMetric) => a.windowStart - b.windowStart;

let db: TestCassandra;
let dao: AggregateDao;
const minuteRows = aggregates(60, t('2006-12-16T22:00:00Z'), t('2006-12-18T02:00:00Z'));
const hourRows = aggregates(3600, t('2006-11-30T20:00:00Z'), t('2007-01-01T04:00:00Z'));
const dayRows = aggregates(86400, t('2006-12-01T00:00:00Z'), t('2007-02-01T00:00:00Z'));

beforeAll(async () => {
  db = await startTestCassandra();
  const report = await applyMigrations(db.client);
  expect(report.applied).toEqual(migrations().map((m) => m.id));
  dao = new AggregateDao(db.client, { concurrency: 32 });
  const noise = { ...series, gateway: 'gw-8' };
  await Promise.all([
    dao.saveAll(60, minuteRows),
    dao.saveAll(60, aggregates(60, t('2006-12-17T00:00:00Z'), t('2006-12-17T01:00:00Z'), noise)),
    dao.saveAll(
      60,
      aggregates(60, t('2006-12-17T00:00:00Z'), t('2006-12-17T01:00:00Z'), {
        ...series,
        metricAttribute: 'VOLTAGE',
      }),
    ),
    dao.saveAll(3600, hourRows),
    dao.saveAll(86400, dayRows),
  ]);
});

afterAll(async () => {
  await db?.close();
});

describe('schema migrations', () => {
  it('are idempotent: a second run applies nothing and keeps the data', async () => {
    const again = await applyMigrations(db.client);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(migrations().map((m) => m.id));
    const from = t('2006-12-17T00:00:00Z');
    expect(
      await dao.listAggregates({
        ...series,
        attribute: 'ACTIVE_POWER',
        window: 60,
        from,
        to: from + 600_000,
      }),
    ).toHaveLength(10);
  });

  it('may run from two processes at once on a fresh keyspace', async () => {
    const a = db.newClient();
    const b = db.newClient();
    const [ra, rb] = await Promise.all([
      applyMigrations(a, { keyspace: 'racing' }),
      applyMigrations(b, { keyspace: 'racing' }),
    ]);
    expect(new Set([...ra.applied, ...ra.alreadyApplied])).toEqual(new Set(migrations().map((m) => m.id)));
    expect(new Set([...rb.applied, ...rb.alreadyApplied])).toEqual(new Set(migrations().map((m) => m.id)));
    const racing = new AggregateDao(a, { keyspace: 'racing', family: 'batch_aggregates' });
    await racing.save(600, aggregates(600, 0, 600_000)[0]!);
    expect(
      await racing.listAggregates({ ...series, attribute: 'ACTIVE_POWER', window: 600, from: 0, to: 1 }),
    ).toHaveLength(1);
  });
});

describe('AggregateDao reads across bucket boundaries', () => {
  const q = { gateway: series.gateway, metricType: series.metricType, attribute: series.metricAttribute };

  it('60 s windows across two day boundaries: exactly the rows in range, newest first by default', async () => {
    const from = t('2006-12-16T23:30:00Z');
    const to = t('2006-12-18T00:30:00Z');
    const expected = inRange(minuteRows, from, to).sort(byStartAsc);
    expect(expected.length).toBe(25 * 60);
    const desc = await dao.listAggregates({ ...q, window: 60, from, to, fetchSize: 97 });
    expect(desc).toEqual([...expected].reverse());
    const asc = await dao.listAggregates({ ...q, window: 60, from, to, order: 'asc', fetchSize: 97 });
    expect(asc).toEqual(expected);
  });

  it('limit spans buckets, in both orders', async () => {
    const from = t('2006-12-16T23:58:00Z');
    const to = t('2006-12-17T00:05:00Z');
    const asc = await dao.listAggregates({ ...q, window: 60, from, to, order: 'asc', limit: 4 });
    expect(asc.map((a) => new Date(a.windowStart).toISOString())).toEqual([
      '2006-12-16T23:58:00.000Z',
      '2006-12-16T23:59:00.000Z',
      '2006-12-17T00:00:00.000Z',
      '2006-12-17T00:01:00.000Z',
    ]);
    const desc = await dao.listAggregates({
      ...q,
      window: 60,
      from: t('2006-12-16T23:00:00Z'),
      to: t('2006-12-17T00:02:00Z'),
      limit: 3,
    });
    expect(desc.map((a) => new Date(a.windowStart).toISOString())).toEqual([
      '2006-12-17T00:01:00.000Z',
      '2006-12-17T00:00:00.000Z',
      '2006-12-16T23:59:00.000Z',
    ]);
  });

  it('3600 s windows across month and year boundaries (month buckets)', async () => {
    const from = t('2006-11-30T22:00:00Z');
    const to = t('2007-01-01T02:00:00Z');
    const expected = inRange(hourRows, from, to).sort(byStartAsc);
    expect(expected.length).toBe(2 + 31 * 24 + 2);
    expect(await dao.listAggregates({ ...q, window: 3600, from, to, order: 'asc', fetchSize: 50 })).toEqual(
      expected,
    );
    expect(await dao.listAggregates({ ...q, window: 3600, from, to, fetchSize: 50 })).toEqual(
      [...expected].reverse(),
    );
  });

  it('86400 s windows live in one constant bucket', async () => {
    const from = t('2006-12-30T00:00:00Z');
    const to = t('2007-01-03T00:00:00Z');
    expect(await dao.listAggregates({ ...q, window: 86400, from, to, order: 'asc' })).toEqual(
      inRange(dayRows, from, to),
    );
  });

  it('pages lazily: consuming a few rows fetches one page', async () => {
    let calls = 0;
    const counting = {
      execute: (...args: Parameters<cassandra.Client['execute']>) => {
        calls++;
        return db.client.execute(...args);
      },
    } as unknown as cassandra.Client;
    const lazy = new AggregateDao(counting);
    const rows: AggregateMetric[] = [];
    for await (const row of lazy.getAggregates({
      ...q,
      window: 60,
      from: t('2006-12-16T00:00:00Z'),
      to: t('2006-12-19T00:00:00Z'),
      fetchSize: 10,
      order: 'asc',
    })) {
      rows.push(row);
      if (rows.length === 5) break;
    }
    expect(rows).toEqual(minuteRows.slice(0, 5));
    expect(calls).toBe(1);
    // Reading 25 rows of one bucket with fetchSize 10 takes three pages.
    calls = 0;
    const from = t('2006-12-17T10:00:00Z');
    expect(
      await lazy.listAggregates({ ...q, window: 60, from, to: from + 25 * 60_000, fetchSize: 10 }),
    ).toHaveLength(25);
    expect(calls).toBe(3);
  });

  it('returns nothing for an empty range and another series only its own rows', async () => {
    expect(await dao.listAggregates({ ...q, window: 60, from: 5, to: 5 })).toEqual([]);
    const other = await dao.listAggregates({
      ...q,
      gateway: 'gw-8',
      window: 60,
      from: t('2006-12-01T00:00:00Z'),
      to: t('2007-01-01T00:00:00Z'),
    });
    expect(other).toHaveLength(60);
    expect(other.every((a) => a.gateway === 'gw-8')).toBe(true);
  });

  it('latest() walks back over empty buckets', async () => {
    // The last minute row starts 2006-12-18T01:59; two days later the current bucket is empty.
    const latest = await dao.latest({ ...q, window: 60, before: t('2006-12-20T12:00:00Z') });
    expect(latest).toEqual(minuteRows[minuteRows.length - 1]);
    expect(await dao.latest({ ...q, window: 60, before: t('2006-12-18T00:00:30Z') })).toEqual(
      minuteRows.find((a) => a.windowStart === t('2006-12-18T00:00:00Z')),
    );
    expect(await dao.latest({ ...q, window: 3600, before: t('2007-01-01T00:00:00Z') })).toEqual(
      hourRows.find((a) => a.windowStart === t('2006-12-31T23:00:00Z')),
    );
    expect(await dao.latest({ ...q, window: 60, before: t('2006-12-16T22:00:00Z') })).toBeUndefined();
  });

  it('a re-delivered aggregate overwrites its own row (idempotent upsert)', async () => {
    const first = minuteRows[10]!;
    await dao.save(60, { ...first, sum: 999 });
    await dao.save(60, first);
    expect(
      await dao.listAggregates({ ...q, window: 60, from: first.windowStart, to: first.windowStart + 1 }),
    ).toEqual([first]);
  });
});

describe('batch family and high-water marks', () => {
  it('keeps batch views apart from real-time views', async () => {
    const batch = new AggregateDao(db.client, { family: 'batch_aggregates' });
    const rows = aggregates(3600, t('2006-12-16T00:00:00Z'), t('2006-12-16T03:00:00Z'));
    await batch.saveAll(
      3600,
      rows.map((a) => ({ ...a, sum: a.sum + 1 })),
    );
    const q = {
      gateway: series.gateway,
      metricType: series.metricType,
      attribute: series.metricAttribute,
      window: 3600,
      from: rows[0]!.windowStart,
      to: t('2006-12-16T03:00:00Z'),
      order: 'asc' as const,
    };
    expect((await batch.listAggregates(q)).map((a) => a.sum)).toEqual(rows.map((a) => a.sum + 1));
    expect(batch.table(3600)).toBe('metrics.batch_aggregates_3600');
  });

  it('stores the high-water mark per window', async () => {
    const marks = new HighWaterMarkDao(db.client);
    expect(await marks.get(3600)).toBeUndefined();
    await marks.set(3600, t('2006-12-20T00:00:00Z'));
    await marks.set(60, t('2006-12-19T00:00:00Z'));
    await marks.set(3600, t('2006-12-21T00:00:00Z'));
    expect((await marks.get(3600))?.highWaterMark).toBe(t('2006-12-21T00:00:00Z'));
    expect((await marks.getAll()).map((m) => [m.window, m.highWaterMark])).toEqual([
      [60, t('2006-12-19T00:00:00Z')],
      [3600, t('2006-12-21T00:00:00Z')],
    ]);
  });
});
