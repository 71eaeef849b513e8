import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { MetricAttribute, MetricType } from '@meterstream/common';
import { type ArchivedMetric, encodeMetricsParquet, rawObjectKey, utcDate } from '@meterstream/datalake';
import { LakeDatabase, refreshMarts, syncLakeCache } from '@meterstream/datalake/sql';
import { BUCKET, type TestLake, startTestLake } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MIN = 60_000;
let lake: TestLake;
let dir: string;
let offset = 0;
let batch = 0;

beforeAll(async () => {
  lake = await startTestLake();
  dir = mkdtempSync(join(tmpdir(), 'marts-'));
  writeFileSync(
    join(dir, 'gateways.csv'),
    'gateway,customer,zone,timezone\nparis-1,alice,north,Europe/Paris\nzone-a,bob,A,UTC\nzone-b,bob,A,UTC\n' +
      'f-ok,carol,F,UTC\nf-stuck,carol,F,UTC\ng-stuck,dave,G,UTC\n',
  );
  writeFileSync(
    join(dir, 'tariffs.csv'),
    'metricType,validFrom,validTo,bandStart,bandEnd,price,currency\n' +
      'ELECTRICITY,2024-01-01,,00:00,07:00,0.10,EUR\nELECTRICITY,2024-01-01,,07:00,24:00,0.20,EUR\n' +
      'WATER,2024-01-01,,00:00,24:00,2.5,EUR\n',
  );
});
afterAll(async () => {
  await lake?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Reading = [
  gateway: string,
  type: MetricType,
  attribute: MetricAttribute,
  at: string | number,
  value: number,
  /** A clean reading's quality bits (an object of clean readings: quality columns written). */
  quality?: number,
];

/** Archives readings as the sink would: one object per (type, date), fresh offsets. */
async function archive(readings: Reading[]): Promise<void> {
  const rows: ArchivedMetric[] = readings.map(
    ([gateway, metricType, metricAttribute, at, value, quality]) => ({
      gateway,
      metricType,
      metricAttribute,
      timestamp: typeof at === 'number' ? at : Date.parse(at),
      value,
      partition: 0,
      offset: offset++,
      ...(quality === undefined ? {} : { quality, estimated: false }),
    }),
  );
  const groups = new Map<string, ArchivedMetric[]>();
  for (const row of rows) {
    const key = `${row.metricType}|${utcDate(row.timestamp)}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  batch++;
  for (const [key, group] of groups) {
    const [metricType, date] = key.split('|') as [string, string];
    const name = {
      metricType,
      date,
      partition: batch,
      firstOffset: group[0]!.offset,
      lastOffset: group.at(-1)!.offset,
    };
    await lake.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: rawObjectKey(name), Body: encodeMetricsParquet(group) }),
    );
  }
}

const refresh = () =>
  refreshMarts({
    s3: lake.s3,
    bucket: BUCKET,
    endpoint: lake.settings.endpoint!,
    cacheRoot: join(dir, 'cache'),
    dimensions: { gateways: join(dir, 'gateways.csv'), tariffs: join(dir, 'tariffs.csv') },
  });

async function query(sql: string): Promise<unknown[][]> {
  const sync = await syncLakeCache({
    s3: lake.s3,
    bucket: BUCKET,
    endpoint: lake.settings.endpoint!,
    root: join(dir, 'read'),
  });
  const database = await LakeDatabase.open({ kind: 'local', dir: sync.dir });
  try {
    return (await database.query(sql)).rows;
  } finally {
    database.close();
  }
}

describe('marts', () => {
  it('consumption_interval: counter deltas, a reset and a rollover flagged, a re-sent reading once, never negative', async () => {
    await archive([
      ['w-1', 'WATER', 'WATER_SUMMATION', '2024-01-10T10:00:00Z', 100],
      ['w-1', 'WATER', 'WATER_SUMMATION', '2024-01-10T10:15:00Z', 105],
      ['w-1', 'WATER', 'WATER_SUMMATION', '2024-01-10T10:15:00Z', 105], // sent twice
      ['w-1', 'WATER', 'WATER_SUMMATION', '2024-01-10T10:30:00Z', 112],
      ['w-1', 'WATER', 'WATER_SUMMATION', '2024-01-10T10:45:00Z', 3], // meter replaced: reset
      ['w-1', 'WATER', 'WATER_SUMMATION', '2024-01-10T11:00:00Z', 8],
      ['g-1', 'GAS', 'GAS_SUMMATION', '2024-01-10T23:30:00Z', 99_950],
      ['g-1', 'GAS', 'GAS_SUMMATION', '2024-01-10T23:45:00Z', 99_990],
      ['g-1', 'GAS', 'GAS_SUMMATION', '2024-01-11T00:00:00Z', 20], // 5-digit register wrapped
      ['g-1', 'GAS', 'GAS_SUMMATION', '2024-01-11T00:15:00Z', 45],
    ]);
    const report = await refresh();
    expect(report.changedDates).toEqual(['2024-01-10', '2024-01-11']);
    const rows = await query(
      `SELECT gateway, strftime(intervalEnd, '%d %H:%M'), consumption, flag FROM consumption_interval ORDER BY gateway, intervalEnd`,
    );
    expect(rows).toEqual([
      ['g-1', '10 23:45', 40, null],
      ['g-1', '11 00:00', 30, 'rollover'], // the interval across midnight: on the 11th, previous reading from the 10th
      ['g-1', '11 00:15', 25, null],
      ['w-1', '10 10:15', 5, null],
      ['w-1', '10 10:30', 7, null],
      ['w-1', '10 10:45', 3, 'reset'],
      ['w-1', '10 11:00', 5, null],
    ]);
  });

  it('billing_daily: a local day with a DST change has 23 hours, each billed at its time-of-use band', async () => {
    // 4 kW constant, one reading every 15 min: 1 kWh per interval. Paris switches to summer time on
    // 2024-03-31 at 02:00 local (01:00 UTC): local 03-31 runs from 03-30T23:00Z to 03-31T22:00Z.
    const readings: Reading[] = [];
    for (let t = Date.parse('2024-03-30T20:00:00Z'); t <= Date.parse('2024-04-01T02:00:00Z'); t += 15 * MIN) {
      readings.push(['paris-1', 'ELECTRICITY', 'ACTIVE_POWER', t, 4000]);
    }
    await archive(readings);
    await refresh();
    const [day] = await query(
      `SELECT consumption, cost, unpricedConsumption, intervals, currency FROM billing_daily
       WHERE customer = 'alice' AND date = DATE '2024-03-31' AND metricType = 'ELECTRICITY'`,
    );
    // 23 h × 4 intervals; 00:00–07:00 local is 6 h that day (02:00–03:00 does not exist) at 0.10,
    // the other 17 h at 0.20.
    expect(day![0]).toBeCloseTo(92, 9);
    expect(day![1]).toBeCloseTo(24 * 0.1 + 68 * 0.2, 9);
    expect(day!.slice(2)).toEqual([0, 92, 'EUR']);
  });

  it('grid_load_hourly: total of the meters’ mean loads, peak of the per-minute zone load', async () => {
    const readings: Reading[] = [];
    for (let m = 0; m < 60; m++) {
      const t = Date.parse('2024-02-01T10:00:00Z') + m * MIN;
      readings.push(['zone-a', 'ELECTRICITY', 'ACTIVE_POWER', t, 2000]);
      readings.push(['zone-b', 'ELECTRICITY', 'ACTIVE_POWER', t, m < 30 ? 1000 : 3000]);
    }
    await archive(readings);
    await refresh();
    expect(
      await query(
        `SELECT zone, strftime(hour, '%H:%M'), totalLoadKw, peakLoadKw, meters FROM grid_load_hourly WHERE zone = 'A'`,
      ),
    ).toEqual([['A', '10:00', 4, 5, 2]]);
  });

  it('grid_load_hourly: a flagged meter counts in the total and the meters, not in the peak', async () => {
    const CONSTANT_RUN = 32;
    const readings: Reading[] = [];
    for (let m = 0; m < 60; m++) {
      const t = Date.parse('2024-02-02T10:00:00Z') + m * MIN;
      readings.push(['f-ok', 'ELECTRICITY', 'ACTIVE_POWER', t, 2000, 0]);
      // Stuck at 9 kW from minute 30 on, flagged by the quality stage: the peak would be 11 kW with it.
      readings.push([
        'f-stuck',
        'ELECTRICITY',
        'ACTIVE_POWER',
        t,
        m < 30 ? 1000 : 9000,
        m < 30 ? 0 : CONSTANT_RUN,
      ]);
      // Zone G's only meter, flagged the whole hour: no peak at all.
      readings.push(['g-stuck', 'ELECTRICITY', 'ACTIVE_POWER', t, 4000, CONSTANT_RUN]);
    }
    await archive(readings);
    await refresh();
    expect(
      await query(
        `SELECT zone, strftime(hour, '%H:%M'), totalLoadKw, peakLoadKw, meters FROM grid_load_hourly
         WHERE zone IN ('F', 'G') ORDER BY zone`,
      ),
    ).toEqual([
      ['F', '10:00', 2 + 5, 2 + 1, 2],
      ['G', '10:00', 4, null, 1],
    ]);
  });

  it('metrics_clean: the readings archived from metrics-clean with their flags; raw readings are not in it', async () => {
    expect(
      await query(
        `SELECT gateway, count(*)::INTEGER, count(*) FILTER (flagged)::INTEGER, bool_or(estimated)
         FROM metrics_clean WHERE date = DATE '2024-02-02' GROUP BY gateway ORDER BY gateway`,
      ),
    ).toEqual([
      ['f-ok', 60, 0, false],
      ['f-stuck', 60, 30, false],
      ['g-stuck', 60, 60, false],
    ]);
    // zone-a's readings came from raw objects (no quality columns): in metrics, not in metrics_clean.
    expect(
      await query(
        `SELECT (SELECT count(*) FROM metrics WHERE gateway = 'zone-a')::INTEGER,
                (SELECT count(*) FROM metrics_clean WHERE gateway = 'zone-a')::INTEGER,
                (SELECT count(*) FROM metrics WHERE gateway = 'zone-a' AND quality IS NULL)::INTEGER`,
      ),
    ).toEqual([[60, 0, 60]]);
  });

  it('refreshes only what a late reading touches, and a re-run changes nothing', async () => {
    const before = await refresh();
    expect(before).toMatchObject({ changedDates: [], objectsWritten: 0, objectsDeleted: 0 });
    // A reading of the 10th that arrived late, between two the marts already hold.
    await archive([['w-1', 'WATER', 'WATER_SUMMATION', '2024-01-10T10:20:00Z', 109]]);
    const report = await refresh();
    expect(report.changedDates).toEqual(['2024-01-10']);
    expect(report.recomputed.consumption_interval).toEqual(['2024-01-10', '2024-01-11']);
    expect(report.recomputed.grid_load_hourly).toEqual(['2024-01-10']);
    expect(
      await query(
        `SELECT strftime(intervalEnd, '%H:%M'), consumption FROM consumption_interval
         WHERE gateway = 'w-1' AND intervalEnd <= TIMESTAMPTZ '2024-01-10 10:30:00+00' ORDER BY intervalEnd`,
      ),
    ).toEqual([
      ['10:15', 5],
      ['10:20', 4],
      ['10:30', 3],
    ]);
    const [water] = await query(
      `SELECT consumption, cost FROM billing_daily WHERE customer = 'w-1' AND metricType = 'WATER'`,
    );
    // w-1 is in no gateway row: its own customer, billed in UTC; water at its flat 2.5.
    expect(water).toEqual([5 + 4 + 3 + 3 + 5, 20 * 2.5]);
    expect(await refresh()).toMatchObject({ changedDates: [], objectsWritten: 0 });
  });
});

describe('mart dimensions', () => {
  const refreshWith = (gateways: string, tariffs: string) => {
    writeFileSync(join(dir, 'bad-gateways.csv'), gateways);
    writeFileSync(join(dir, 'bad-tariffs.csv'), tariffs);
    return refreshMarts({
      s3: lake.s3,
      bucket: BUCKET,
      endpoint: lake.settings.endpoint!,
      cacheRoot: join(dir, 'cache'),
      dimensions: { gateways: join(dir, 'bad-gateways.csv'), tariffs: join(dir, 'bad-tariffs.csv') },
    });
  };
  const header = 'metricType,validFrom,validTo,bandStart,bandEnd,price,currency\n';

  it('refuses an unknown time zone, naming the file and the zone', async () => {
    await expect(refreshWith('gateway,customer,zone,timezone\nx,c,z,Mars/Olympus\n', header)).rejects.toThrow(
      /bad-gateways\.csv: unknown time zone "Mars\/Olympus"/,
    );
  });

  it('refuses a band that ends before it starts, naming the file and the row', async () => {
    await expect(
      refreshWith('gateway,customer,zone,timezone\n', `${header}WATER,2024-01-01,,10:00,09:00,1,EUR\n`),
    ).rejects.toThrow(
      /bad-tariffs\.csv: band or validity out of order in the row \["WATER","2024-01-01",600,540\]/,
    );
  });
});
