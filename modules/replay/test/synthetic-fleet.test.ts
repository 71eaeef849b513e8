import { describe, expect, it } from 'vitest';
import type { Metric } from '@meterstream/common';
import { parseGatewayRange, syntheticFleet } from '@meterstream/replay';

function take(iterable: Iterable<Metric>, n: number): Metric[] {
  const out: Metric[] = [];
  for (const metric of iterable) {
    out.push(metric);
    if (out.length >= n) break;
  }
  return out;
}

describe('syntheticFleet', () => {
  it('with attributes [ACTIVE_POWER] and a 15-minute step: one reading per gateway per step, the same values as the full fleet', () => {
    const fleet = { seed: 3, gateways: { from: 0, to: 999 }, anomalies: { dropout: 0 } };
    const meters = take(syntheticFleet({ ...fleet, attributes: ['ACTIVE_POWER'], stepMs: 900_000 }), 3000);
    expect(new Set(meters.map((m) => m.metricAttribute))).toEqual(new Set(['ACTIVE_POWER']));
    expect(meters.slice(0, 1000).map((m) => m.gateway)).toEqual(
      Array.from({ length: 1000 }, (_, g) => String(g)),
    );
    expect([...new Set(meters.map((m) => m.timestamp))]).toEqual(
      [0, 1, 2].map((t) => Date.UTC(2024, 0, 1) + t * 900_000),
    );
    const full = take(syntheticFleet({ ...fleet, stepMs: 900_000 }), 8000).filter(
      (m) => m.metricAttribute === 'ACTIVE_POWER',
    );
    expect(meters.slice(0, 1000)).toEqual(full.slice(0, 1000));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = take(syntheticFleet({ seed: 7, gateways: { from: 0, to: 49 } }), 20_000);
    const b = take(syntheticFleet({ seed: 7, gateways: { from: 0, to: 49 } }), 20_000);
    const c = take(syntheticFleet({ seed: 8, gateways: { from: 0, to: 49 } }), 20_000);
    expect(a).toEqual(b);
    expect(c.map((m) => m.value)).not.toEqual(a.map((m) => m.value));
  });

  it('emits every attribute of electricity, water and gas, tick by tick, one minute apart', () => {
    const first = take(
      syntheticFleet({ seed: 1, gateways: { from: 0, to: 0 }, anomalies: { dropout: 0 } }),
      16,
    );
    expect(first.slice(0, 8).map((m) => `${m.metricType}.${m.metricAttribute}`)).toEqual([
      'ELECTRICITY.ACTIVE_POWER',
      'ELECTRICITY.REACTIVE_POWER',
      'ELECTRICITY.VOLTAGE',
      'ELECTRICITY.INTENSITY',
      'WATER.WATER_SUMMATION',
      'WATER.WATER_IDD',
      'GAS.GAS_SUMMATION',
      'GAS.GAS_IDD',
    ]);
    expect(first[0]!.timestamp).toBe(Date.UTC(2024, 0, 1));
    expect(first[8]!.timestamp).toBe(Date.UTC(2024, 0, 1, 0, 1));
  });

  it('is lazy: the first messages of a 1M-gateway fleet come without building the fleet per tick', () => {
    const range = parseGatewayRange('0..999999');
    const before = process.memoryUsage().heapUsed;
    const first = take(syntheticFleet({ seed: 3, gateways: range, types: ['ELECTRICITY'] }), 1000);
    expect(first).toHaveLength(1000);
    expect(first.at(-1)!.gateway).toBe('249');
    // electricity only: no counters; 1000 small messages are far below a megabyte per gateway-sized array
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20_000_000);
  });

  it('follows a daily profile: evening electricity load exceeds the night load', () => {
    const byHour = new Map<number, number[]>();
    for (const m of syntheticFleet({
      seed: 5,
      gateways: { from: 0, to: 19 },
      types: ['ELECTRICITY'],
      ticks: 1440,
    })) {
      if (m.metricAttribute !== 'ACTIVE_POWER') continue;
      const hour = new Date(m.timestamp).getUTCHours();
      byHour.set(hour, [...(byHour.get(hour) ?? []), m.value]);
    }
    const mean = (h: number) => byHour.get(h)!.reduce((s, v) => s + v, 0) / byHour.get(h)!.length;
    expect(mean(19)).toBeGreaterThan(2 * mean(3));
  });

  it('has spikes, drop-outs and stuck readings, and counters that never go down', () => {
    const gateways = { from: 0, to: 199 };
    const ticks = 600;
    const anomalies = { spike: 0.01, dropout: 0.01, stuck: 0.01 };
    const seen = new Map<string, number>(); // gateway.type → messages
    const lastCounter = new Map<string, number>();
    const lastIdd = new Map<string, { value: number; run: number }>();
    let longestRun = 0;
    let spikes = 0;
    let counterDecreases = 0;
    for (const m of syntheticFleet({ seed: 11, gateways, ticks, anomalies })) {
      const series = `${m.gateway}.${m.metricType}`;
      if (m.metricAttribute === 'ACTIVE_POWER') {
        seen.set(series, (seen.get(series) ?? 0) + 1);
        if (m.value > 6) spikes++;
      }
      if (m.metricAttribute.endsWith('_SUMMATION')) {
        if (m.value < (lastCounter.get(series) ?? 0)) counterDecreases++;
        lastCounter.set(series, m.value);
      }
      if (m.metricAttribute === 'GAS_IDD') {
        const last = lastIdd.get(series);
        const run = last && last.value === m.value ? last.run + 1 : 1;
        longestRun = Math.max(longestRun, run);
        lastIdd.set(series, { value: m.value, run });
      }
    }
    const dropped = [...seen.values()].filter((n) => n < ticks).length;
    expect(counterDecreases).toBe(0);
    expect(dropped).toBeGreaterThan(0); // some electricity meters missed ticks
    expect(spikes).toBeGreaterThan(0);
    expect(longestRun).toBeGreaterThanOrEqual(20); // a gas meter repeating one reading (stuck block of 30)
  });
});

describe('parseGatewayRange', () => {
  it('parses a..b and n, refuses the rest', () => {
    expect(parseGatewayRange('0..4')).toEqual({ from: 0, to: 4 });
    expect(parseGatewayRange('7')).toEqual({ from: 7, to: 7 });
    expect(parseGatewayRange('0..999999')).toEqual({ from: 0, to: 999_999 });
    expect(() => parseGatewayRange('4..0')).toThrow(/reversed/);
    expect(() => parseGatewayRange('0..1000000')).toThrow(/more than 1000000/);
    expect(() => parseGatewayRange('a..b')).toThrow(/expected/);
  });
});
