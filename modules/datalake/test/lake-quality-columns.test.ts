import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ArchivedMetric,
  aggregateMetrics,
  decodeMetricsParquet,
  encodeMetricsParquet,
} from '@meterstream/datalake';
import { aggregateParquetFiles } from '@meterstream/datalake/sql';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { compareSeries } from '../src/verify/compare.js';

/**
 * Issue #21 item 4 in the lake: objects of clean readings carry `quality` and `estimated`; objects
 * without them (raw, or written before) still read; both batch engines fold the quality fields as
 * the speed layer does (peak without flagged readings, estimated / flagged counts, incomplete);
 * verify compares them.
 */

const dir = mkdtempSync(join(tmpdir(), 'lake-quality-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const series = { gateway: 'g1', metricType: 'ELECTRICITY', metricAttribute: 'ACTIVE_POWER' } as const;
let offset = 0;
const row = (
  minute: number,
  value: number,
  quality?: number,
  estimated?: boolean,
  gapFromMinute?: number,
): ArchivedMetric => ({
  ...series,
  timestamp: T0 + minute * MIN,
  value,
  partition: 0,
  offset: offset++,
  ...(quality !== undefined && { quality }),
  ...(estimated !== undefined && { estimated }),
  ...(gapFromMinute !== undefined && { gapFrom: T0 + gapFromMinute * MIN }),
});

// Window 0 (minutes 0–9): raw readings from an older object. Windows 10, 20, 30: clean readings —
// mixed flags, every reading flagged, estimates and a long gap within the window; window 50: a
// long gap that began in window 30.
const rawRows = [row(0, 5), row(1, 9), row(2, 1)];
const cleanRows = [
  row(10, 4, 0, false),
  row(11, 50, 16, false),
  row(12, 6, 1, false),
  row(20, 7, 32, false),
  row(21, 8, 16 | 1, false),
  row(30, 3, 0, true),
  row(31, 2, 0, true),
  row(35, 9, 8 | 256, false, 31),
  row(52, 1, 8 | 256, false, 35),
];

const columnsOf = (bytes: Uint8Array) =>
  parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
    .schema.slice(1)
    .map((element) => element.name);

describe('lake quality columns', () => {
  it('an object of clean readings gains quality, estimated and gapFrom and round-trips them', async () => {
    const bytes = encodeMetricsParquet(cleanRows);
    expect(columnsOf(bytes).slice(-3)).toEqual(['quality', 'estimated', 'gapFrom']);
    expect(await decodeMetricsParquet(bytes)).toEqual(cleanRows);
  });

  it('an object without the columns (raw readings, or written before them) still reads, as quality 0 / not estimated', async () => {
    const bytes = encodeMetricsParquet(rawRows);
    expect(columnsOf(bytes)).not.toContain('quality');
    const back = await decodeMetricsParquet(bytes);
    expect(back).toEqual(rawRows);
    // Folded, a row without the fields is an unflagged measured reading.
    const [w] = aggregateMetrics(back, 600, { from: T0, to: T0 + 600_000 });
    expect(w).toMatchObject({ sampleCount: 3, max: 9 });
    expect(w!.flaggedCount ?? 0).toBe(0);
    expect(w!.estimatedCount ?? 0).toBe(0);
  });

  it('the reference and DuckDB engines agree on the quality fields over an old and a clean object', async () => {
    const rawPath = join(dir, 'raw.parquet');
    const cleanPath = join(dir, 'clean.parquet');
    writeFileSync(rawPath, encodeMetricsParquet(rawRows));
    writeFileSync(cleanPath, encodeMetricsParquet(cleanRows));
    const range = { from: T0, to: T0 + 3_600_000 };
    const reference = aggregateMetrics(
      [...(await decodeMetricsParquet(encodeMetricsParquet(rawRows))), ...cleanRows],
      600,
      range,
    ).sort((a, b) => a.windowStart - b.windowStart);
    const duck = (await aggregateParquetFiles([rawPath, cleanPath], 600, range)).aggregates.sort(
      (a, b) => a.windowStart - b.windowStart,
    );
    const summary = reference.map((a) => ({
      minute: (a.windowStart - T0) / MIN,
      sampleCount: a.sampleCount,
      sum: a.sum,
      max: a.max,
      estimatedCount: a.estimatedCount ?? 0,
      flaggedCount: a.flaggedCount ?? 0,
      incomplete: a.incomplete ?? false,
      gapFrom: a.gapFrom === undefined ? null : (a.gapFrom - T0) / MIN,
    }));
    expect(summary).toEqual([
      {
        minute: 0,
        sampleCount: 3,
        sum: 15,
        max: 9,
        estimatedCount: 0,
        flaggedCount: 0,
        incomplete: false,
        gapFrom: null,
      },
      {
        minute: 10,
        sampleCount: 3,
        sum: 60,
        max: 6,
        estimatedCount: 0,
        flaggedCount: 1,
        incomplete: false,
        gapFrom: null,
      },
      {
        minute: 20,
        sampleCount: 2,
        sum: 15,
        max: -Infinity,
        estimatedCount: 0,
        flaggedCount: 2,
        incomplete: false,
        gapFrom: null,
      },
      {
        minute: 30,
        sampleCount: 3,
        sum: 14,
        max: 9,
        estimatedCount: 2,
        flaggedCount: 0,
        incomplete: true,
        gapFrom: null,
      },
      // The gap began at minute 35: the window it ended in carries that, for saveAll to mark window 30.
      {
        minute: 50,
        sampleCount: 1,
        sum: 1,
        max: 1,
        estimatedCount: 0,
        flaggedCount: 0,
        incomplete: true,
        gapFrom: 35,
      },
    ]);
    expect(duck).toEqual(reference);
    expect(compareSeries(series, duck, reference, 0)).toEqual([]);
  });

  it('verify reports a window whose quality fields differ between the layers', () => {
    const [batch] = aggregateMetrics(cleanRows.slice(0, 3), 600, { from: T0, to: T0 + 3_600_000 });
    const speed = { ...batch!, flaggedCount: 0, incomplete: true };
    const [difference] = compareSeries(series, [batch!], [speed], 0);
    expect(difference?.fields).toEqual(['flaggedCount', 'incomplete']);
  });

  it('verify holds a gap mark against the batch layer only when the gap closed before its coverage ended', () => {
    const [batch] = aggregateMetrics(cleanRows.slice(0, 3), 600, { from: T0, to: T0 + 3_600_000 });
    // The speed layer stored the reading after a gap that began in this window, in the window at 50.
    const speed = { ...batch!, gapClosedIn: T0 + 50 * MIN };
    // Batch coverage up to minute 40: it has not seen that reading yet — no difference.
    expect(compareSeries(series, [batch!], [speed], 0, T0 + 40 * MIN)).toEqual([]);
    // Coverage past minute 50: the batch should have marked it too.
    expect(compareSeries(series, [batch!], [speed], 0, T0 + 60 * MIN)[0]?.fields).toEqual(['incomplete']);
    expect(
      compareSeries(series, [{ ...batch!, gapClosedIn: T0 + 50 * MIN }], [speed], 0, T0 + 60 * MIN),
    ).toEqual([]);
  });
});
