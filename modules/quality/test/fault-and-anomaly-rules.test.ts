import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, QualityBit, type QualityRules, type SeriesRules } from '../src/index.js';
import { MIN, POWER, T0, VOLTAGE, iso, stage } from './stage.js';

const withDefaults = (defaults: Partial<SeriesRules>, power: Partial<SeriesRules> = {}): QualityRules => ({
  ...DEFAULT_RULES,
  defaults: { ...DEFAULT_RULES.defaults, ...defaults },
  series: {
    ...DEFAULT_RULES.series,
    'ELECTRICITY.ACTIVE_POWER': { ...DEFAULT_RULES.series['ELECTRICITY.ACTIVE_POWER'], ...power },
  },
});

describe('faulty meters (flag once, recovered once; readings carry the bit while flagged)', () => {
  it('zeros for exactly the threshold flag the meter at the reading that reaches it; a non-zero reading recovers it', () => {
    const s = stage({ rules: withDefaults({}, { zeroRunSec: 300 }) });
    for (let m = 0; m <= 6; m++) s.send(POWER, T0 + m * MIN, 0); // run 0..6 min; threshold at minute 5
    s.send(POWER, T0 + 7 * MIN, 0.4);
    s.send(POWER, T0 + 8 * MIN, 0.5);
    expect(s.clean().map((c) => c.quality)).toEqual([
      0,
      0,
      0,
      0,
      0, // minute 4: 240 s of zeros, under the threshold
      QualityBit.ZERO_RUN, // minute 5: exactly 300 s
      QualityBit.ZERO_RUN,
      0,
      0,
    ]);
    expect(s.alerts().map((a) => [a.type, a.reason, a.timestamp, a.details.since ?? null])).toEqual([
      ['meter-flagged', 'zero-run', iso(T0 + 5 * MIN), iso(T0)],
      ['meter-recovered', 'zero-run', iso(T0 + 7 * MIN), null],
    ]);
    expect(s.counts.get('zero-run/flagged')).toBe(1);
  });

  it('the same non-zero value for the threshold flags constant-run; a change recovers it', () => {
    const s = stage({ rules: withDefaults({ constantRunSec: 180 }) });
    for (let m = 0; m <= 4; m++) s.send(POWER, T0 + m * MIN, 2);
    s.send(POWER, T0 + 5 * MIN, 2.1);
    expect(s.clean().map((c) => c.quality)).toEqual([
      0,
      0,
      0,
      QualityBit.CONSTANT_RUN,
      QualityBit.CONSTANT_RUN,
      0,
    ]);
    expect(s.alerts().map((a) => `${a.type}:${a.reason}`)).toEqual([
      'meter-flagged:constant-run',
      'meter-recovered:constant-run',
    ]);
  });
});

describe('anomaly bits', () => {
  it('spike: more than k·σ from the rolling mean, once enough readings were seen', () => {
    const s = stage({ rules: withDefaults({ spikeMinSamples: 10 }) });
    for (let m = 0; m < 12; m++) s.send(POWER, T0 + m * MIN, m % 2 ? 1.1 : 1.0);
    s.send(POWER, T0 + 12 * MIN, 5);
    s.send(POWER, T0 + 13 * MIN, 1.05);
    const quality = s.clean().map((c) => c.quality);
    expect(quality.slice(0, 12).every((q) => q === 0)).toBe(true);
    expect(quality.slice(12)).toEqual([QualityBit.SPIKE, 0]);
    // Before spikeMinSamples no reading is judged, however far off.
    const early = stage({ rules: withDefaults({ spikeMinSamples: 10 }) });
    for (let m = 0; m < 5; m++) early.send(POWER, T0 + m * MIN, m % 2 ? 1.1 : 1.0);
    early.send(POWER, T0 + 5 * MIN, 50);
    expect(early.clean().map((c) => c.quality)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("spike: a level the series reaches at that hour every day is no spike once the hour's profile knows it", () => {
    // A reading every 10 minutes for two days; 12:00–13:00 is the daily peak (≈ 5 against ≈ 1).
    const s = stage({ rules: withDefaults({ spikeMinSamples: 5, expectedIntervalSec: 600 }) });
    const TEN = 10 * MIN;
    const peakHour = (t: number) => new Date(t).getUTCHours() === 12;
    const sent: number[] = [];
    for (let i = 0; i < 2 * 144; i++) {
      const t = T0 + i * TEN;
      if (i === 144) s.driver.advanceWallClockTime(86_400_000); // day 2 is not in the future
      const wobble = i % 2 ? 0.1 : 0;
      // Day 2 at 12:30: a real spike, far from the rolling mean and from the hour's profile.
      const value = i === 144 + 75 ? 50 : (peakHour(t) ? 5 : 1) + wobble;
      s.send(POWER, t, value);
      sent.push(t);
    }
    const clean = s.clean();
    expect(clean.map((c) => c.timestamp)).toEqual(sent.map(iso));
    const spikes = clean.filter((c) => c.quality & QualityBit.SPIKE).map((c) => c.timestamp);
    // Day 1: the peak's first reading (12:00) jumps away from the rolling mean, and no hour has a
    // profile yet. Day 2: the same jumps at 12:00 and back at 13:00 match their hours' profiles
    // (≈ 5 and ≈ 1): only the real spike is one.
    expect(spikes.filter((t) => t >= iso(T0 + 144 * TEN))).toEqual([iso(T0 + (144 + 75) * TEN)]);
    expect(spikes.filter((t) => t < iso(T0 + 144 * TEN))).toContain(iso(T0 + 72 * TEN));
  });

  it('voltage outside [210, 250] V; the bounds themselves are inside', () => {
    const s = stage();
    for (const [m, v] of [
      [0, 209.9],
      [1, 210],
      [2, 250],
      [3, 250.1],
    ] as const)
      s.send(VOLTAGE, T0 + m * MIN, v);
    expect(s.clean().map((c) => c.quality & QualityBit.VOLTAGE_OUT_OF_RANGE)).toEqual([
      QualityBit.VOLTAGE_OUT_OF_RANGE,
      0,
      0,
      QualityBit.VOLTAGE_OUT_OF_RANGE,
    ]);
  });

  it('low consumption against the hour-of-day profile, once the hour has enough readings', () => {
    const s = stage({ rules: withDefaults({}, { lowConsumptionMinSamples: 3 }) });
    for (let m = 0; m < 3; m++) s.send(POWER, T0 + m * MIN, 1);
    s.send(POWER, T0 + 3 * MIN, 0.05); // < 0.1 × 1
    s.send(POWER, T0 + 60 * MIN, 0.05); // hour 1: no profile yet
    const quality = s.clean().map((c) => c.quality & QualityBit.LOW_CONSUMPTION);
    expect(quality.slice(0, 4)).toEqual([0, 0, 0, QualityBit.LOW_CONSUMPTION]);
    expect(quality.at(-1)).toBe(0);
  });
});
