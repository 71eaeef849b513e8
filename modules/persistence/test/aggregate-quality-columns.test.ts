import { type AggregateMetric, isIncomplete } from '@meterstream/common';
import { type TestCassandra, startTestCassandra } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateDao } from '../src/aggregate-dao.js';
import { MIGRATIONS_TABLE, QUALITY_COLUMNS, applyMigrations, migrations } from '../src/schema.js';

/**
 * Issue #21 item 4 in Cassandra: the aggregate tables gain estimated_count, flagged_count and
 * incomplete by ALTER TABLE on a keyspace created before them; old rows read as 0 / false; a window
 * whose every reading was flagged stores max as null. cassandra-driver over TCP, embedded CQL server.
 */

const isQualityAlter = (id: string) => QUALITY_COLUMNS.some(([column]) => id.endsWith(`-add-${column}`));
const series = { gateway: 'gw-q', metricType: 'ELECTRICITY', metricAttribute: 'ACTIVE_POWER' } as const;
const T = Date.UTC(2026, 0, 1);
const W = 60;

function row(i: number, fields: Partial<AggregateMetric> = {}): AggregateMetric {
  return {
    ...series,
    windowStart: T + i * W * 1000,
    windowEnd: T + (i + 1) * W * 1000,
    sampleCount: 4,
    sum: 8,
    min: 1,
    max: 3,
    average: 2,
    ...fields,
  };
}

let db: TestCassandra;
let appliedAfterOldSchema: string[];

beforeAll(async () => {
  db = await startTestCassandra();
  // A keyspace as an earlier release left it: every migration but the quality columns applied.
  await db.client.execute(
    "CREATE KEYSPACE IF NOT EXISTS metrics WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  await db.client.execute(
    `CREATE TABLE IF NOT EXISTS metrics.${MIGRATIONS_TABLE} (id text PRIMARY KEY, description text, appliedAt timestamp)`,
  );
  for (const m of migrations().filter((m) => !isQualityAlter(m.id))) {
    await db.client.execute(m.cql);
    await db.client.execute(
      `INSERT INTO metrics.${MIGRATIONS_TABLE} (id, description, appliedAt) VALUES (?, ?, ?)`,
      [m.id, m.description, new Date()],
      { prepare: true },
    );
  }
  // A row written by the old writer.
  await db.client.execute(
    'INSERT INTO metrics.metrics_aggregates_60 (gateway, metric, attribute, bucket, windowStart, windowEnd, ' +
      'min, max, avg, sum, sampleCount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      series.gateway,
      series.metricType,
      series.metricAttribute,
      '2026-01-01',
      new Date(T),
      new Date(T + 60_000),
      1,
      3,
      2,
      8,
      4,
    ],
    { prepare: true },
  );
  appliedAfterOldSchema = (await applyMigrations(db.client)).applied;
}, 60_000);

afterAll(async () => {
  await db?.close();
});

describe('aggregate quality columns (schema evolution)', () => {
  it('the migration adds exactly the four columns to every aggregate table of an existing keyspace', () => {
    expect(appliedAfterOldSchema).toEqual(
      migrations()
        .map((m) => m.id)
        .filter(isQualityAlter),
    );
    expect(appliedAfterOldSchema).toHaveLength(2 * 4 * 4);
  });

  it('a row written before the columns reads with 0 / false; new rows carry the fields; all flagged → max null', async () => {
    const dao = new AggregateDao(db.client);
    await dao.saveAll(W, [
      row(1, { estimatedCount: 2, flaggedCount: 1, incomplete: true }),
      row(2, { max: Number.NEGATIVE_INFINITY, flaggedCount: 4 }),
    ]);
    const rows = await dao.listAggregates({
      gateway: series.gateway,
      metricType: series.metricType,
      attribute: series.metricAttribute,
      window: W,
      from: T,
      to: T + 3 * W * 1000,
      order: 'asc',
    });
    expect(rows).toEqual([
      row(0),
      row(1, { estimatedCount: 2, flaggedCount: 1, incomplete: true }),
      row(2, { max: Number.NEGATIVE_INFINITY, flaggedCount: 4 }),
    ]);
    const raw = await db.client.execute(
      'SELECT windowStart, max, estimated_count, flagged_count, incomplete FROM metrics.metrics_aggregates_60 ' +
        'WHERE gateway = ? AND metric = ? AND attribute = ? AND bucket = ?',
      [series.gateway, series.metricType, series.metricAttribute, '2026-01-01'],
      { prepare: true },
    );
    const byStart = new Map(raw.rows.map((r) => [(r.windowstart as Date).getTime(), r]));
    expect(byStart.get(T)!.estimated_count).toBeNull();
    expect(byStart.get(T + 60_000)!.incomplete).toBe(true);
    expect(byStart.get(T + 120_000)!.max).toBeNull();
    expect(byStart.get(T + 120_000)!.flagged_count).toBe(4);
  });

  it('an aggregate whose long gap began in an earlier window marks that window incomplete, whatever the order of the writes', async () => {
    const dao = new AggregateDao(db.client);
    const query = {
      gateway: 'gw-gap',
      metricType: series.metricType,
      attribute: series.metricAttribute,
      window: W,
      from: T,
      to: T + 60 * W * 1000,
      order: 'asc' as const,
    };
    const gapSeries = (i: number, fields: Partial<AggregateMetric> = {}) =>
      row(i, { gateway: 'gw-gap', ...fields });
    // The gap began at the last reading of window 10 (10:30 + 59 s) and ended in window 40.
    const gapFrom = T + 10 * W * 1000 + 59_000;
    await dao.saveAll(W, [gapSeries(10)]);
    await dao.saveAll(W, [gapSeries(40, { incomplete: true, gapFrom })]);
    const read = (await dao.listAggregates(query)).map((a) => [
      a.windowStart,
      a.incomplete ?? false,
      a.gapClosedIn,
      isIncomplete(a),
    ]);
    // Window 10 is marked with the window the gap closed in; the windows between had no readings
    // and stay without rows.
    expect(read).toEqual([
      [T + 10 * W * 1000, false, T + 40 * W * 1000, true],
      [T + 40 * W * 1000, true, undefined, true],
    ]);
    // A re-delivered aggregate of window 10 (incomplete false on the wire) does not clear the mark.
    await dao.saveAll(W, [gapSeries(10)]);
    expect(isIncomplete((await dao.listAggregates(query))[0]!)).toBe(true);

    // The mark written before the aggregate of its window (a batch run recomputing the later day
    // first): the mark-only row is no aggregate, neither for listAggregates nor for latest.
    const mark = gapSeries(50, { incomplete: true, gapFrom: T + 45 * W * 1000 });
    await dao.saveAll(W, [mark]);
    const before = await dao.listAggregates(query);
    expect(before.map((a) => a.windowStart)).toEqual([
      T + 10 * W * 1000,
      T + 40 * W * 1000,
      T + 50 * W * 1000,
    ]);
    const latestBefore46 = await dao.latest({ ...query, window: W, before: T + 46 * W * 1000 });
    expect(latestBefore46?.windowStart).toBe(T + 40 * W * 1000);
    await dao.saveAll(W, [gapSeries(45)]);
    const after = await dao.listAggregates(query);
    expect(after.find((a) => a.windowStart === T + 45 * W * 1000)).toEqual(
      gapSeries(45, { gapClosedIn: T + 50 * W * 1000 }),
    );
    // A gap that began inside the window marks nothing else.
    await dao.saveAll(W, [gapSeries(55, { incomplete: true, gapFrom: T + 55 * W * 1000 + 1 })]);
    expect((await dao.listAggregates(query)).map((a) => a.windowStart)).toEqual([
      T + 10 * W * 1000,
      T + 40 * W * 1000,
      T + 45 * W * 1000,
      T + 50 * W * 1000,
      T + 55 * W * 1000,
    ]);
  });
});
