import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, QualityBit, RulesHolder } from '../src/index.js';
import { MIN, POWER, T0, iso, stage } from './stage.js';

/** Readings of POWER at these minutes after T0, value = 10 × minute (a straight line). */
function sendMinutes(s: ReturnType<typeof stage>, minutes: number[]) {
  for (const m of minutes) s.send(POWER, T0 + m * MIN, 10 * m);
}

describe('gaps (expected interval 60 s; up to 5 missing readings filled, estimated)', () => {
  it('a gap of exactly 5 missing readings is filled by linear interpolation, estimated=true, before the reading after it', () => {
    const s = stage();
    sendMinutes(s, [0, 1, 7]); // 2..6 missing: 5
    const clean = s.clean();
    expect(clean.map((c) => [c.timestamp, c.value, c.estimated])).toEqual([
      [iso(T0), 0, false],
      [iso(T0 + MIN), 10, false],
      ...[2, 3, 4, 5, 6].map((m) => [iso(T0 + m * MIN), 10 * m, true]),
      [iso(T0 + 7 * MIN), 70, false],
    ]);
    expect(clean.at(-1)!.quality).toBe(QualityBit.DROPOUT);
    expect(clean.slice(2, 7).every((c) => c.quality === 0)).toBe(true);
    expect(s.alerts()).toEqual([]);
    expect(s.counts.get('gap-fill/estimated')).toBe(5);
  });

  it('a gap of 6 missing readings (N + 1) is left empty, raises one long-gap alert, and its reading carries where it began', () => {
    const s = stage();
    sendMinutes(s, [0, 1, 8]); // 2..7 missing: 6
    const clean = s.clean();
    expect(clean.map((c) => [c.timestamp, c.estimated, c.quality])).toEqual([
      [iso(T0), false, 0],
      [iso(T0 + MIN), false, 0],
      [iso(T0 + 8 * MIN), false, QualityBit.DROPOUT | QualityBit.LONG_GAP],
    ]);
    expect(s.alerts()).toEqual([
      {
        type: 'long-gap',
        gateway: '1',
        metricType: 'ELECTRICITY',
        metricAttribute: 'ACTIVE_POWER',
        timestamp: iso(T0 + 8 * MIN),
        reason: '6 readings missing',
        details: { from: iso(T0 + MIN), to: iso(T0 + 8 * MIN), missing: 6, intervalSec: 60 },
      },
    ]);
    expect(s.counts.get('long-gap/alert')).toBe(1);
    // Only the reading after the gap says where it began (the aggregates mark the windows between).
    expect(clean.map((c) => c.gapFrom)).toEqual([undefined, undefined, iso(T0 + MIN)]);
  });

  it('jitter below half an interval is no gap', () => {
    const s = stage();
    for (const at of [0, 60_000, 125_000, 175_000]) s.send(POWER, T0 + at, 1);
    expect(s.clean().every((c) => !c.estimated && c.quality === 0)).toBe(true);
  });

  it('unset expected interval: learned from the series (smallest of the first intervals), then gaps are filled', () => {
    const rules = { ...DEFAULT_RULES, defaults: { ...DEFAULT_RULES.defaults, expectedIntervalSec: null } };
    const s = stage({ rules });
    // 10-second cadence: 3 intervals to learn it, then a gap of 2 missing readings.
    for (const at of [0, 10, 20, 30, 60]) s.send(POWER, T0 + at * 1000, at);
    expect(s.clean().map((c) => [c.timestamp, c.value, c.estimated])).toEqual([
      ...[0, 10, 20, 30].map((at) => [iso(T0 + at * 1000), at, false]),
      [iso(T0 + 40_000), 40, true],
      [iso(T0 + 50_000), 50, true],
      [iso(T0 + 60_000), 60, false],
    ]);
  });

  it('out-of-order arrival within retention: passes as measured (OUT_OF_ORDER), supersedes the estimate, does not rewind the series', () => {
    const s = stage();
    sendMinutes(s, [0, 1, 3]); // minute 2 estimated
    s.send(POWER, T0 + 2 * MIN, 25); // the real minute 2, late
    s.send(POWER, T0 + 2 * MIN, 25); // and its duplicate
    sendMinutes(s, [4]);
    expect(s.clean().map((c) => [c.timestamp, c.value, c.estimated, c.quality])).toEqual([
      [iso(T0), 0, false, 0],
      [iso(T0 + MIN), 10, false, 0],
      [iso(T0 + 2 * MIN), 20, true, 0],
      [iso(T0 + 3 * MIN), 30, false, QualityBit.DROPOUT],
      [iso(T0 + 2 * MIN), 25, false, QualityBit.OUT_OF_ORDER],
      [iso(T0 + 4 * MIN), 40, false, 0], // no gap: the series continued from minute 3
    ]);
    expect(s.counts.get('duplicate/dropped')).toBe(1);
  });

  it('a reload of the rules changes the fill limit at the next reading', () => {
    const holder = new RulesHolder();
    const s = stage({ rules: holder });
    sendMinutes(s, [0, 4]); // 3 missing: filled under the default 5
    holder.set({ ...DEFAULT_RULES, defaults: { ...DEFAULT_RULES.defaults, maxFillReadings: 2 } });
    sendMinutes(s, [8]); // 3 missing: now a long gap
    expect(s.clean().filter((c) => c.estimated)).toHaveLength(3);
    expect(s.alerts().map((a) => a.type)).toEqual(['long-gap']);
  });
});
