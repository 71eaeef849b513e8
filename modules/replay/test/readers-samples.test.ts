import { expect, it } from 'vitest';
import { type DatasetRow, openDataset, type DatasetType, type AttributeReading } from '@meterstream/replay';
import {
  ELECTRICITY_SAMPLE,
  GAS_SAMPLE,
  UCI_SAMPLE,
  WATER_SAMPLE,
  describeWithDatasets,
} from '@meterstream/test-support';

interface Pass {
  rows: DatasetRow[];
  first: DatasetRow;
  last: DatasetRow;
  reader: ReturnType<typeof openDataset>;
}

/** Reads a whole sample, keeping only the rows at the lines asked for (plus first and last). */
async function readSample(path: string, type: DatasetType, keepLines: number[] = []): Promise<Pass> {
  const reader = openDataset(path, { type });
  const rows: DatasetRow[] = [];
  let first: DatasetRow | undefined;
  let last: DatasetRow | undefined;
  for await (const row of reader) {
    first ??= row;
    last = row;
    if (keepLines.includes(row.line)) rows.push(row);
  }
  return { rows, first: first!, last: last!, reader };
}

const values = (row: DatasetRow) =>
  Object.fromEntries(row.readings.map((r: AttributeReading) => [r.attribute, r.value]));

describeWithDatasets('readers on the real dataset samples', () => {
  it('UCI: 15,920 readings, the 2 "?" rows and the truncated last line counted, first and last values', async () => {
    const { first, last, reader, rows } = await readSample(UCI_SAMPLE, 'electricity', [6840, 6843]);
    expect(reader.format?.name).toBe('UCI household power consumption');
    // 15,922 complete data rows after the header, 2 of them "?", plus the cut last line (15,924 lines)
    expect(reader.stats.lines).toBe(15_924);
    expect(reader.stats.rows).toBe(15_920);
    expect(reader.skips.nonZero()).toEqual({ 'missing-values': 2, 'truncated-last-line': 1 });
    expect(reader.skips.examples.map((e) => `${e.reason}@${e.location.split(':').pop()}`)).toEqual([
      'missing-values@6841',
      'missing-values@6842',
      'truncated-last-line@15924',
    ]);
    expect(first.line).toBe(2);
    expect(values(first)).toEqual({
      ACTIVE_POWER: 4.216,
      REACTIVE_POWER: 0.418,
      VOLTAGE: 234.84,
      INTENSITY: 18.4,
    });
    // 27/12/2006 18:45:00 in Paris (CET, UTC+1)
    expect(last.line).toBe(15_923);
    expect(new Date(last.timestamp).toISOString()).toBe('2006-12-27T17:45:00.000Z');
    expect(values(last)).toEqual({ ACTIVE_POWER: 1.656, REACTIVE_POWER: 0, VOLTAGE: 237.71, INTENSITY: 7 });
    // regression: the reader goes on after the first "?" row (the original pipeline's Java reader crashed there)
    expect(rows.map((r) => [r.line, new Date(r.timestamp).toISOString(), values(r).ACTIVE_POWER])).toEqual([
      [6840, '2006-12-21T10:22:00.000Z', 0.244],
      [6843, '2006-12-21T10:25:00.000Z', 0.246],
    ]);
  });

  it('UCI: local time of Paris converted to UTC at a known instant', async () => {
    const { first } = await readSample(UCI_SAMPLE, 'electricity');
    // 16/12/2006;17:24:00 is winter time (UTC+1): 16:24 UTC, epoch 1166286240
    expect(first.timestamp).toBe(1_166_286_240_000);
    expect(new Date(first.timestamp).toISOString()).toBe('2006-12-16T16:24:00.000Z');
  });

  it('UCI: the zone is configurable', async () => {
    const reader = openDataset(UCI_SAMPLE, { type: 'electricity', zone: 'UTC' });
    for await (const row of reader) {
      expect(new Date(row.timestamp).toISOString()).toBe('2006-12-16T17:24:00.000Z');
      break;
    }
  });

  it('UCI: active and reactive power are not swapped', async () => {
    const { first } = await readSample(UCI_SAMPLE, 'electricity');
    // Global_active_power 4.216 kW, Global_reactive_power 0.418 kVAR on the first data line
    const active = first.readings.find((r) => r.attribute === 'ACTIVE_POWER')!;
    const reactive = first.readings.find((r) => r.attribute === 'REACTIVE_POWER')!;
    expect(active.value).toBe(4.216);
    expect(reactive.value).toBe(0.418);
  });

  it('AMPds2 water: 99,999 rows, counter → WATER_SUMMATION, avg_rate → WATER_IDD (L/min)', async () => {
    const { first, last, reader, rows } = await readSample(WATER_SAMPLE, 'water', [3]);
    expect(reader.stats.rows).toBe(99_999);
    expect(reader.skips.total).toBe(0);
    expect(first.timestamp).toBe(1_333_263_600_000);
    expect(values(first)).toEqual({ WATER_SUMMATION: 45287.526, WATER_IDD: 0 });
    // line 3: counter 45291.311, avg_rate 3.785 (one 3.785 L pulse of the old meter)
    expect(values(rows[0]!)).toEqual({ WATER_SUMMATION: 45291.311, WATER_IDD: 3.785 });
    expect(last.timestamp).toBe(1_339_263_480_000);
    expect(values(last)).toEqual({ WATER_SUMMATION: 72887.747, WATER_IDD: 0 });
  });

  it('AMPds2 gas: 99,999 rows, avg_rate (an hourly rate) published per minute', async () => {
    // lines 2..: 433744.488 at 1357263360; the first minute with gas flow has avg_rate 1698.96 = 60 × 28.316
    const { first, last, reader } = await readSample(GAS_SAMPLE, 'gas');
    expect(reader.stats.rows).toBe(99_999);
    expect(reader.skips.total).toBe(0);
    expect(first.timestamp).toBe(1_357_263_360_000);
    expect(values(first)).toEqual({ GAS_SUMMATION: 433744.488, GAS_IDD: 0 });
    expect(last.timestamp).toBe(1_363_263_240_000);
    expect(values(last)).toEqual({ GAS_SUMMATION: 630002.684, GAS_IDD: 0 });
    let previous: number | undefined;
    let checked = 0;
    for await (const row of openDataset(GAS_SAMPLE, { type: 'gas' })) {
      const v = values(row);
      if (previous !== undefined && v.GAS_IDD! > 0) {
        // the per-minute demand equals the counter difference
        expect(v.GAS_IDD).toBeCloseTo(v.GAS_SUMMATION! - previous, 6);
        checked++;
      }
      previous = v.GAS_SUMMATION;
    }
    expect(checked).toBeGreaterThan(6000);
  });

  it('AMPds2 electricity: 51,210 rows, W → kW, P is active and Q reactive', async () => {
    const { first, last, reader, rows } = await readSample(ELECTRICITY_SAMPLE, 'electricity', [1289, 6393]);
    expect(reader.format?.name).toBe('AMPds2 electricity meter');
    expect(reader.stats.rows).toBe(51_210);
    expect(reader.skips.total).toBe(0);
    expect(first.timestamp).toBe(1_393_263_000_000);
    expect(values(first)).toEqual({ ACTIVE_POWER: 0, REACTIVE_POWER: 0, VOLTAGE: 118.9, INTENSITY: 0 });
    expect(last.timestamp).toBe(1_396_335_540_000);
    expect(values(last)).toEqual({ ACTIVE_POWER: 0, REACTIVE_POWER: 0, VOLTAGE: 120.9, INTENSITY: 0 });
    // line 1289: P=4 W, Pt=20039, Q=1 VAR, Qt=2078; line 6393: P=377 W, Q=0 VAR
    expect(values(rows[0]!)).toEqual({
      ACTIVE_POWER: 0.004,
      REACTIVE_POWER: 0.001,
      VOLTAGE: 119.9,
      INTENSITY: 0,
    });
    expect(values(rows[1]!)).toEqual({
      ACTIVE_POWER: 0.377,
      REACTIVE_POWER: 0,
      VOLTAGE: 120.6,
      INTENSITY: 3.1,
    });
  });

  it('refuses a file of another type with a DatasetFormatError naming the file', async () => {
    const reader = openDataset(WATER_SAMPLE, { type: 'electricity' });
    await expect(async () => {
      for await (const _ of reader) break;
    }).rejects.toThrow(
      /Water_WHW-1\.csv:1: header "unix_ts,counter,avg_rate,inst_rate" is not a electricity dataset/,
    );
  });

  it('--day-offset skips whole days from the first row', async () => {
    const reader = openDataset(WATER_SAMPLE, { type: 'water', dayOffset: 2 });
    let first: DatasetRow | undefined;
    for await (const row of reader) {
      first ??= row;
    }
    expect(first!.timestamp).toBe(1_333_263_600_000 + 2 * 86_400_000);
    expect(reader.stats.beforeDayOffset).toBe(2 * 1440);
    expect(reader.stats.rows).toBe(99_999 - 2 * 1440);
  });
});
