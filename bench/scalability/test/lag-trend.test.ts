import { describe, expect, it } from 'vitest';
import { judge, olsSlope } from '../lag-trend.js';

const line = (slope: number, intercept: number, seconds: number) =>
  Array.from({ length: seconds }, (_, t) => ({ t, lag: intercept + slope * t }));

describe('lag trend (Theodolite rule)', () => {
  it('fits the slope of a growing lag', () => {
    expect(olsSlope(line(250, 1000, 100))).toBeCloseTo(250, 6);
  });

  it('fits through noise around a flat lag', () => {
    const samples = line(0, 5000, 200).map((s, i) => ({ ...s, lag: s.lag + (i % 2 === 0 ? 300 : -300) }));
    expect(Math.abs(olsSlope(samples))).toBeLessThan(5);
  });

  it('ignores the warm-up: a backlog drained early does not count', () => {
    // 60 s of a lag climbing fast (start-up), then flat.
    const samples = [...line(10_000, 0, 60), ...line(0, 600_000, 120).map((s) => ({ ...s, t: s.t + 60 }))];
    expect(judge(samples, 60, 50_000).sustained).toBe(true);
    expect(judge(samples, 0, 50_000).sustained).toBe(false);
  });

  it('a load is sustained only below 1 % of the load', () => {
    expect(judge(line(499, 0, 200), 0, 50_000).sustained).toBe(true);
    expect(judge(line(501, 0, 200), 0, 50_000).sustained).toBe(false);
  });

  it('no verdict without samples', () => {
    expect(judge([{ t: 70, lag: 1 }], 60, 1000)).toMatchObject({ sustained: false, samplesUsed: 1 });
    expect(olsSlope([])).toBeNaN();
  });
});
