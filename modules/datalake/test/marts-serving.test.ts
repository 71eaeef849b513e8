import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  type ArchivedMetric,
  buildServingApi,
  encodeMetricsParquet,
  rawObjectKey,
} from '@meterstream/datalake';
import { refreshMarts } from '@meterstream/datalake/sql';
import { AggregateDao, HighWaterMarkDao, MartDao, applyMigrations } from '@meterstream/persistence';
import {
  BUCKET,
  type TestCassandra,
  type TestLake,
  startTestCassandra,
  startTestLake,
} from '@meterstream/test-support';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOUR = Date.parse('2024-02-01T10:00:00Z');
let lake: TestLake;
let cql: TestCassandra;
let dir: string;
let marts: MartDao;
let api: FastifyInstance;

beforeAll(async () => {
  [lake, cql] = await Promise.all([
    startTestLake(),
    startTestCassandra((client) => applyMigrations(client, { keyspace: 'metrics' })),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'marts-serving-'));
  marts = new MartDao(cql.client);
  api = buildServingApi({
    stores: {
      speed: new AggregateDao(cql.client),
      batch: new AggregateDao(cql.client, { family: 'batch_aggregates' }),
      marks: new HighWaterMarkDao(cql.client),
    },
    cassandra: cql.client,
    marts,
  });
  // Two meters of one hour, 1 kW and 3 kW, a reading a minute.
  const rows: ArchivedMetric[] = [];
  for (let m = 0; m <= 60; m++) {
    for (const [gateway, watts] of [
      ['m-1', 1000],
      ['m-2', 3000],
    ] as const) {
      rows.push({
        gateway,
        metricType: 'ELECTRICITY',
        metricAttribute: 'ACTIVE_POWER',
        timestamp: HOUR + m * 60_000,
        value: watts,
        partition: 0,
        offset: rows.length,
      });
    }
  }
  const key = rawObjectKey({
    metricType: 'ELECTRICITY',
    date: '2024-02-01',
    partition: 0,
    firstOffset: 0,
    lastOffset: rows.length - 1,
  });
  await lake.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: encodeMetricsParquet(rows) }));
}, 60_000);
afterAll(async () => {
  await api?.close();
  await cql?.close();
  await lake?.close();
  rmSync(dir, { recursive: true, force: true });
});

function refresh(gateways: string) {
  writeFileSync(join(dir, 'gateways.csv'), `gateway,customer,zone,timezone\n${gateways}`);
  return refreshMarts({
    s3: lake.s3,
    bucket: BUCKET,
    endpoint: lake.settings.endpoint!,
    cacheRoot: join(dir, 'cache'),
    dimensions: { gateways: join(dir, 'gateways.csv') },
    cassandra: marts,
  });
}

describe('marts in Cassandra and the serving API', () => {
  it('writes each recomputed partition to Cassandra, deleting rows that vanished, and serves them', async () => {
    await refresh('m-1,bob,A,UTC\nm-2,bob,A,UTC\n');
    const first = await api.inject({
      url: '/marts/billing_daily?customer=bob&from=2024-02-01&to=2024-02-02',
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().rows).toEqual([
      expect.objectContaining({
        date: '2024-02-01',
        metricType: 'ELECTRICITY',
        meters: 2,
        intervals: 120,
        consumption: expect.closeTo(4, 9),
        cost: 0,
      }),
    ]);
    const grid = await api.inject({ url: '/marts/grid_load_hourly?zone=A&from=2024-02-01&to=2024-02-02' });
    expect(grid.json().rows).toEqual([
      expect.objectContaining({ hour: '2024-02-01T10:00:00.000Z', totalLoadKw: 4, peakLoadKw: 4, meters: 2 }),
      expect.objectContaining({ hour: '2024-02-01T11:00:00.000Z', totalLoadKw: 4, meters: 2 }),
    ]);

    // m-2 moves to another customer and zone: every date is recomputed, bob's rows shrink, A's too.
    const report = await refresh('m-1,bob,A,UTC\nm-2,carol,B,UTC\n');
    expect(report.changedDates).toEqual(['2024-02-01']);
    expect((await marts.read('billing_daily', { customer: 'bob' })).map((r) => r.consumption)).toEqual([
      expect.closeTo(1, 9),
    ]);
    expect((await marts.read('billing_daily', { customer: 'carol' })).map((r) => r.consumption)).toEqual([
      expect.closeTo(3, 9),
    ]);
    expect(
      (await marts.read('grid_load_hourly', { zone: 'B', date: '2024-02-01' })).map((r) => r.totalLoadKw),
    ).toEqual([3, 3]);
  });

  it('answers 400 naming a missing or bad parameter', async () => {
    const missing = await api.inject({ url: '/marts/billing_daily?from=2024-02-01&to=2024-02-02' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ parameter: 'customer', message: 'invalid customer: required' });
    const bad = await api.inject({ url: '/marts/grid_load_hourly?zone=A&from=2024-02-01&to=tomorrow' });
    expect(bad.json()).toMatchObject({ parameter: 'to' });
    const unknown = await api.inject({
      url: '/marts/consumption_interval?gateway=m-1&metricType=WATER&metricAttribute=WATER_SUMMATION&from=2024-02-01&to=2024-02-02&zone=A',
    });
    expect(unknown.json()).toMatchObject({ parameter: 'zone' });
  });
});
