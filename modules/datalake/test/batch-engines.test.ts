import type { AggregateMetric } from '@meterstream/common';
import { type BatchEngine, compactLake, runBatchJob } from '@meterstream/datalake';
import { AggregateDao, applyMigrations } from '@meterstream/persistence';
import {
  BUCKET,
  type TestCassandra,
  type TestLake,
  startTestCassandra,
  startTestLake,
  testConfig,
} from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  D16,
  DAY,
  type DayLake,
  referenceWindows,
  sortedAggregates,
  writeDayLake,
} from './helpers/day-lake.js';

const WINDOW = 600;
let lake: TestLake;
let cql: TestCassandra;
let day: DayLake;

beforeAll(async () => {
  [lake, cql] = await Promise.all([
    startTestLake(),
    startTestCassandra((client) => applyMigrations(client, { keyspace: 'metrics' })),
  ]);
  day = await writeDayLake(lake.s3, BUCKET);
}, 120_000);
afterAll(async () => {
  await cql?.close();
  await lake?.close();
});

/** Runs the job with an engine on an emptied batch table and returns its report and the rows it wrote. */
async function run(engine: BatchEngine) {
  await cql.client.execute(`TRUNCATE metrics.batch_aggregates_${WINDOW}`);
  const result = await runBatchJob({
    config: testConfig({ s3: lake.settings, cassandra: cql.contactPoints }),
    cassandra: cql.client,
    s3: lake.s3,
    window: WINDOW,
    from: D16,
    to: D16 + DAY,
    coveredUntil: async () => Number.POSITIVE_INFINITY,
    engine,
  });
  const dao = new AggregateDao(cql.client, { family: 'batch_aggregates' });
  const series = new Map(day.archived.map((m) => [`${m.gateway}.${m.metricType}.${m.metricAttribute}`, m]));
  const rows: AggregateMetric[] = [];
  for (const m of series.values()) {
    rows.push(
      ...(await dao.listAggregates({
        gateway: m.gateway,
        metricType: m.metricType,
        attribute: m.metricAttribute,
        window: WINDOW,
        from: D16,
        to: D16 + DAY,
        order: 'asc',
      })),
    );
  }
  return { result, rows: sortedAggregates(rows) };
}

describe('batch job engines', () => {
  it('the DuckDB engine writes the same batch view and reports the same counts as the reference', async () => {
    const reference = await run('reference');
    const duckdb = await run('duckdb');
    expect(reference.rows).toEqual(referenceWindows(day.archived, WINDOW, D16, D16 + DAY));
    expect(duckdb.rows).toEqual(reference.rows);
    const counts = ({ result }: typeof reference) => ({
      ...result,
      engine: undefined,
      durationMs: undefined,
    });
    expect(counts(duckdb)).toEqual(counts(reference));
    expect(duckdb.result).toMatchObject({
      engine: 'duckdb',
      recordsRead: day.archived.length,
      recordsRefused: 1,
      repeatedRecords: day.repeated,
      aggregatesWritten: reference.rows.length,
    });
  });

  it('computes the same batch view after the lake was compacted (the speed layer still agrees)', async () => {
    const before = await run('reference');
    const compactions = await compactLake({ s3: lake.s3, bucket: BUCKET, before: '2006-12-17' });
    expect(compactions.some((c) => c.version !== null && c.duplicatesDropped > 0)).toBe(true);
    for (const engine of ['reference', 'duckdb'] as const) {
      const after = await run(engine);
      expect(after.rows).toEqual(before.rows);
      expect(after.result.objectsRead).toBe(3); // one merged object per metric type
    }
  });
});
