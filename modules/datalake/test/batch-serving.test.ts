import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { AggregateMetric } from '@meterstream/common';
import {
  type ArchivedMetric,
  Segment,
  buildServingApi,
  runBatchJob,
  runVerify,
  writeSegmentObjects,
} from '@meterstream/datalake';
import { AggregateDao, HighWaterMarkDao, applyMigrations } from '@meterstream/persistence';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TestCassandra,
  startTestCassandra,
  BUCKET,
  type TestLake,
  startTestLake,
  testConfig,
} from '@meterstream/test-support';
import { referenceAggregates, sampleMetrics } from './helpers/metrics.js';

const MAIN = resolve(import.meta.dirname, '../dist/main.js');
const DAY = 86_400_000;
const D16 = Date.UTC(2006, 11, 16);
const WINDOW = 3600;

let lake: TestLake;
let cql: TestCassandra;
let speed: AggregateDao;
let batch: AggregateDao;
let marks: HighWaterMarkDao;
let api: FastifyInstance;
let baseUrl: string;
// 2006-12-15 to 2006-12-20 (5 days); the job runs on [16, 19).
let metrics: ArchivedMetric[];

beforeAll(async () => {
  [lake, cql] = await Promise.all([
    startTestLake(),
    startTestCassandra((client) => applyMigrations(client, { keyspace: 'metrics' })),
  ]);
  speed = new AggregateDao(cql.client);
  batch = new AggregateDao(cql.client, { family: 'batch_aggregates' });
  marks = new HighWaterMarkDao(cql.client);
  metrics = sampleMetrics({
    gateways: 2,
    start: D16 - DAY,
    steps: 5 * 24 * 4,
    stepMs: 900_000,
    seed: 21,
  }).map((m, i) => ({
    ...m,
    partition: i % 3,
    offset: Math.floor(i / 3),
  }));
  // Archive as the sink would: one segment per partition per day.
  for (let day = 0; day < 5; day++) {
    for (let partition = 0; partition < 3; partition++) {
      const rows = metrics.filter(
        (m) => m.partition === partition && Math.floor((m.timestamp - (D16 - DAY)) / DAY) === day,
      );
      const segment = new Segment('metrics', partition, rows[0]!.offset, 0, null);
      for (const row of rows) segment.addMetric(row.offset, 30, row);
      await writeSegmentObjects({ s3: lake.s3, bucket: BUCKET }, segment);
    }
  }
  api = buildServingApi({ stores: { speed, batch, marks }, cassandra: cql.client });
  baseUrl = await api.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await api?.close();
  await cql?.close();
  await lake?.close();
});

const config = () => testConfig({ s3: lake.settings, cassandra: cql.contactPoints });
// The lake of this file is written by hand (writeSegmentObjects), not by a sink with flush progress
// and a topic: it holds everything.
const wholeLake = async () => Number.POSITIVE_INFINITY;
const sorted = (rows: AggregateMetric[]) =>
  [...rows].sort(
    (a, b) =>
      `${a.gateway}${a.metricType}${a.metricAttribute}`.localeCompare(
        `${b.gateway}${b.metricType}${b.metricAttribute}`,
      ) || a.windowStart - b.windowStart,
  );
const inOrder = () => [...metrics].sort((a, b) => a.partition - b.partition || a.offset - b.offset);

async function allRows(dao: AggregateDao, from: number, to: number): Promise<AggregateMetric[]> {
  const series = new Map(metrics.map((m) => [`${m.gateway}.${m.metricType}.${m.metricAttribute}`, m]));
  const rows: AggregateMetric[] = [];
  for (const m of series.values()) {
    rows.push(
      ...(await dao.listAggregates({
        gateway: m.gateway,
        metricType: m.metricType,
        attribute: m.metricAttribute,
        window: WINDOW,
        from,
        to,
        order: 'asc',
      })),
    );
  }
  return sorted(rows);
}

describe('batch job', () => {
  it('reads only the date partitions in range, writes the reference aggregates and the high-water mark; re-running changes nothing', async () => {
    const from = D16;
    const to = D16 + 3 * DAY;
    const result = await runBatchJob({
      config: config(),
      cassandra: cql.client,
      s3: lake.s3,
      window: WINDOW,
      from,
      to,
      coveredUntil: wholeLake,
    });
    expect(result.dates).toEqual(['2006-12-16', '2006-12-17', '2006-12-18']);
    // 3 dates × 3 types × 3 partitions — the objects of the 15th and the 19th are never read.
    expect(result.objectsRead).toBe(27);
    expect(result.recordsRead).toBe(metrics.filter((m) => m.timestamp >= from && m.timestamp < to).length);
    expect(result.recordsOutOfRange).toBe(0);
    expect(result.repeatedRecords).toBe(0);
    expect(result.highWaterMark).toBe(to);
    expect((await marks.get(WINDOW))?.highWaterMark).toBe(to);

    const expected = sorted(referenceAggregates(inOrder(), WINDOW, from, to));
    expect(result.aggregatesWritten).toBe(expected.length);
    const stored = await allRows(batch, D16 - DAY, D16 + 5 * DAY);
    expect(stored).toEqual(expected);

    const again = await runBatchJob({
      config: config(),
      cassandra: cql.client,
      s3: lake.s3,
      window: WINDOW,
      from,
      to,
      coveredUntil: wholeLake,
    });
    expect(again.aggregatesWritten).toBe(result.aggregatesWritten);
    expect(await allRows(batch, D16 - DAY, D16 + 5 * DAY)).toEqual(stored);
    expect((await marks.get(WINDOW))?.highWaterMark).toBe(to);
  });

  it('recomputes only what the lake provably holds; the coverage [low, high) only widens without gaps', async () => {
    const W = 600;
    const run = (from: number, to: number, coveredUntil: number) =>
      runBatchJob({
        config: config(),
        cassandra: cql.client,
        s3: lake.s3,
        window: W,
        from,
        to,
        coveredUntil: async () => coveredUntil,
      });
    // Nothing flushed: nothing recomputed, no mark.
    const none = await run(D16, D16 + DAY, Number.NEGATIVE_INFINITY);
    expect(none).toMatchObject({ to: D16, aggregatesWritten: 0, lowWaterMark: null, highWaterMark: null });
    expect(await marks.get(W)).toBeUndefined();
    // Flushed up to 05:35: the run stops at the last whole window before it.
    const part = await run(D16, D16 + DAY, D16 + 5 * 3_600_000 + 35 * 60_000);
    expect(part.to).toBe(D16 + 5.5 * 3_600_000);
    expect(part.aggregatesWritten).toBe(referenceAggregates(inOrder(), W, D16, D16 + 5.5 * 3_600_000).length);
    expect(await marks.get(W)).toMatchObject({ lowWaterMark: D16, highWaterMark: D16 + 5.5 * 3_600_000 });
    // A later run that leaves a gap after the coverage is not merged over the gap...
    await run(D16 + 8 * 3_600_000, D16 + 9 * 3_600_000, Number.POSITIVE_INFINITY);
    expect(await marks.get(W)).toMatchObject({
      lowWaterMark: D16 + 8 * 3_600_000,
      highWaterMark: D16 + 9 * 3_600_000,
    });
    // ...one that closes it is.
    await run(D16, D16 + 8 * 3_600_000, Number.POSITIVE_INFINITY);
    expect(await marks.get(W)).toMatchObject({ lowWaterMark: D16, highWaterMark: D16 + 9 * 3_600_000 });

    // Serving: real-time rows before the low mark and from the high mark on, batch rows between.
    const series = { gateway: 'gw-0', metricType: 'GAS', metricAttribute: 'GAS_IDD' } as const;
    const speedRows: AggregateMetric[] = [-2, -1, 0, 1, 53, 54, 55].map((i) => ({
      ...series,
      windowStart: D16 + i * 600_000,
      windowEnd: D16 + (i + 1) * 600_000,
      sampleCount: 1,
      sum: -1,
      min: -1,
      max: -1,
      average: -1,
    }));
    // Issue #21: the first window's every reading came from a flagged meter, after a long gap.
    speedRows[0] = { ...speedRows[0]!, max: Number.NEGATIVE_INFINITY, flaggedCount: 1, incomplete: true };
    await speed.saveAll(W, speedRows);
    const query = new URLSearchParams({
      gateway: series.gateway,
      metricType: series.metricType,
      attribute: series.metricAttribute,
      window: '600',
      from: new Date(D16 - 2 * 600_000).toISOString(),
      to: new Date(D16 + 56 * 600_000).toISOString(),
    });
    const body = (await (await fetch(`${baseUrl}/aggregates?${query}`)).json()) as {
      lowWaterMark: string;
      highWaterMark: string;
      rows: {
        windowStart: string;
        layer: string;
        max: number | null;
        flaggedCount: number;
        incomplete: boolean;
      }[];
    };
    expect(body.rows[0]).toMatchObject({ max: null, flaggedCount: 1, estimatedCount: 0, incomplete: true });
    expect(body.rows[1]).toMatchObject({ max: -1, flaggedCount: 0, estimatedCount: 0, incomplete: false });
    expect(body.lowWaterMark).toBe('2006-12-16T00:00:00Z');
    expect(body.highWaterMark).toBe('2006-12-16T09:00:00Z');
    const layers = body.rows.map((r) => `${r.windowStart.slice(11, 16)} ${r.layer}`);
    expect(layers.slice(0, 2)).toEqual(['23:40 speed', '23:50 speed']);
    expect(layers.slice(-2)).toEqual(['09:00 speed', '09:10 speed']);
    const batchWindows = referenceAggregates(inOrder(), W, D16, D16 + 9 * 3_600_000)
      .filter((a) => a.gateway === series.gateway && a.metricAttribute === series.metricAttribute)
      .map((a) => a.windowStart)
      .sort((a, b) => a - b);
    expect(batchWindows.length).toBeGreaterThan(20);
    expect(body.rows.slice(2, -2).map((r) => `${Date.parse(r.windowStart)} ${r.layer}`)).toEqual(
      batchWindows.map((start) => `${start} batch`),
    );
  });

  it('refuses a window that does not divide a day and bounds off the window grid', async () => {
    await expect(
      runBatchJob({
        config: config(),
        cassandra: cql.client,
        s3: lake.s3,
        window: 7000,
        from: D16,
        to: D16 + DAY,
      }),
    ).rejects.toThrow(/does not divide a day/);
    await expect(
      runBatchJob({
        config: config(),
        cassandra: cql.client,
        s3: lake.s3,
        window: WINDOW,
        from: D16 + 1000,
        to: D16 + DAY,
      }),
    ).rejects.toThrow(/window boundary/);
  });
});

describe('serving layer', () => {
  const hwm = D16 + 3 * DAY; // set by the batch job above
  const series = { gateway: 'gw-1', metricType: 'ELECTRICITY', metricAttribute: 'VOLTAGE' } as const;
  // Real-time rows written by the test for 18th 00:00 → 19th 06:00, with values that differ from the
  // batch view, so the layer a row came from is visible in its values too.
  const speedRows: AggregateMetric[] = Array.from({ length: 30 }, (_, i) => {
    const windowStart = hwm - DAY + i * 3_600_000;
    return {
      ...series,
      windowStart,
      windowEnd: windowStart + 3_600_000,
      sampleCount: 1,
      sum: -i,
      min: -i,
      max: -i,
      average: -i,
    };
  });

  it('serves batch rows before the high-water mark and real-time rows after it, each marked with its layer', async () => {
    await speed.saveAll(WINDOW, speedRows);
    const query = new URLSearchParams({
      gateway: series.gateway,
      metricType: series.metricType,
      attribute: series.metricAttribute,
      window: '3600',
      from: '2006-12-18T00:00:00Z',
      to: '2006-12-19T06:00:00Z',
    });
    const response = await fetch(`${baseUrl}/aggregates?${query}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      highWaterMark: string;
      rows: { windowStart: string; layer: string; sum: number; sampleCount: number }[];
    };
    expect(body.highWaterMark).toBe('2006-12-19T00:00:00Z');
    expect(body.rows.length).toBe(30);
    const batchRows = body.rows.filter((r) => r.layer === 'batch');
    const speedServed = body.rows.filter((r) => r.layer === 'speed');
    expect(batchRows.length).toBe(24);
    expect(speedServed.length).toBe(6);
    for (const row of batchRows) expect(Date.parse(row.windowStart)).toBeLessThan(hwm);
    for (const row of speedServed) expect(Date.parse(row.windowStart)).toBeGreaterThanOrEqual(hwm);
    // Ordered oldest first across the mark; values are the layer's own.
    expect(body.rows.map((r) => Date.parse(r.windowStart))).toEqual(speedRows.map((r) => r.windowStart));
    const expectedBatch = referenceAggregates(inOrder(), WINDOW, hwm - DAY, hwm).filter(
      (a) => a.gateway === series.gateway && a.metricAttribute === series.metricAttribute,
    );
    expect(batchRows.map((r) => r.sum)).toEqual(sorted(expectedBatch).map((a) => a.sum));
    expect(speedServed.map((r) => r.sum)).toEqual(speedRows.slice(24).map((r) => r.sum));
  });

  it('answers bad parameters with 400 and a message naming the parameter', async () => {
    const response = await fetch(
      `${baseUrl}/aggregates?gateway=gw-1&metricType=ELECTRICITY&attribute=VOLTAGE&window=90&from=2006-12-18&to=2006-12-19`,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'Bad Request',
      parameter: 'window',
      message: 'invalid window: expected one of 60, 600, 3600, 86400 (seconds), got "90"',
    });
    const missing = await fetch(`${baseUrl}/aggregates?metricType=ELECTRICITY`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toBe('invalid gateway: required');
  });

  it('reports health', async () => {
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', cassandra: 'up' });
  });
});

describe('consistency report', () => {
  const from = D16;
  const to = D16 + DAY;

  it('finds no difference when the speed rows equal the batch rows, and names each difference otherwise', async () => {
    // The speed layer's rows, written by the test from an independent fold (the aggregator app
    // that would produce them is not part of this module).
    const reference = referenceAggregates(inOrder(), WINDOW, from, to);
    await speed.saveAll(WINDOW, reference);
    const clean = await runVerify({
      speed,
      batch,
      window: WINDOW,
      from,
      to,
      lake: { s3: lake.s3, bucket: BUCKET },
    });
    expect(clean.series).toBe(16);
    expect(clean.windowsCompared).toBe(reference.length);
    expect(clean.differences).toEqual([]);

    const changed = { ...reference[5]!, max: reference[5]!.max + 1 };
    await speed.save(WINDOW, changed);
    const extra = { ...reference[7]!, windowStart: to - 3_600_000 * 30, windowEnd: to - 3_600_000 * 29 };
    await speed.save(WINDOW, extra); // a window before the range start: outside, not compared
    const report = await runVerify({
      speed,
      batch,
      window: WINDOW,
      from,
      to,
      lake: { s3: lake.s3, bucket: BUCKET },
    });
    expect(report.differences).toHaveLength(1);
    expect(report.differences[0]).toMatchObject({
      kind: 'values-differ',
      fields: ['max'],
      windowStart: changed.windowStart,
    });
  });

  it('`verify` prints the differences and exits non-zero', async () => {
    const args = [
      MAIN,
      'verify',
      '--window',
      '3600',
      '--from',
      '2006-12-16',
      '--to',
      '2006-12-17',
      '--s3-endpoint',
      lake.server.endpoint,
      '--s3-bucket',
      BUCKET,
      '--cassandra-contact-points',
      cql.contactPoints.join(','),
      '--log-level',
      'warn',
    ];
    // Asynchronous: the S3 and CQL servers the child talks to run in this process.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, args);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (status) => done({ status, stdout, stderr }));
    });
    if (run.status !== 1) console.error(run.stderr);
    expect(run.stdout).toMatch(/: max batch=[-\d.e]+ speed=[-\d.e]+\n/);
    expect(run.stdout).toContain('16 series');
    expect(run.stdout).toContain('1 differences');
    expect(run.status).toBe(1);
  });
});
