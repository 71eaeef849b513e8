import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, QualityBit } from '../src/index.js';
import { MIN, NOW, POWER, T0, VOLTAGE, iso, stage } from './stage.js';

describe('validation rules (quarantine with the rule and where the reading came from)', () => {
  it('NaN and ±Infinity, negative power, out-of-bounds values are quarantined; valid ones pass', () => {
    const s = stage();
    s.send(POWER, T0, Number.NaN);
    s.send(POWER, T0 + MIN, Number.POSITIVE_INFINITY);
    s.send(POWER, T0 + 2 * MIN, -0.5);
    s.send(POWER, T0 + 3 * MIN, 101); // max 100 kW
    s.send(POWER, T0 + 4 * MIN, 1.5);
    s.send('1.ELECTRICITY.REACTIVE_POWER', T0, -0.2); // reactive power may be negative
    const quarantined = s.quarantine();
    expect(quarantined.map((q) => q.rule)).toEqual(['non-finite', 'non-finite', 'negative', 'out-of-bounds']);
    expect(quarantined[0]).toEqual({
      rule: 'non-finite',
      reason: 'value is NaN',
      source: { topic: 'metrics', partition: 0, offset: 0 },
      reading: { timestamp: iso(T0), value: 'NaN', unit: null },
    });
    expect(quarantined[3]!.source).toEqual({ topic: 'metrics', partition: 0, offset: 3 });
    expect(s.clean().map((c) => [c.metricAttribute, c.value])).toEqual([
      ['ACTIVE_POWER', 1.5],
      ['REACTIVE_POWER', -0.2],
    ]);
    expect(s.counts.get('non-finite/quarantined')).toBe(2);
    expect(s.counts.get('negative/quarantined')).toBe(1);
    expect(s.counts.get('out-of-bounds/quarantined')).toBe(1);
  });

  it('unparsable timestamps, timestamps beyond the future tolerance and older than retention are rejected', () => {
    const s = stage();
    const now = NOW;
    s.send(POWER, '2012-04-01 00:00', 1); // no zone: ambiguous, refused
    s.send(POWER, now + DEFAULT_RULES.futureToleranceSec * 1000, 1); // exactly at the tolerance: accepted
    s.send(POWER, now + DEFAULT_RULES.futureToleranceSec * 1000 + 1000, 1);
    // Stream time is now `now + 300 s`: older than retention (1 day) behind it is too old.
    s.send(POWER, now + 300_000 - DEFAULT_RULES.retentionSec * 1000 - 60_000, 1);
    s.send(POWER, now + 300_000 - DEFAULT_RULES.retentionSec * 1000 + 60_000, 1); // within: accepted
    expect(s.quarantine().map((q) => q.rule)).toEqual([
      'timestamp-unparsable',
      'timestamp-future',
      'timestamp-too-old',
    ]);
    expect(s.clean()).toHaveLength(2);
  });

  it('units: W → kW and Wh → kWh converted (flagged), V unchanged, unknown unit quarantined with one alert', () => {
    const s = stage();
    s.send(POWER, T0, 1500, 'W');
    s.send(POWER, T0 + MIN, 1.2, 'kW');
    s.send(VOLTAGE, T0, 231, 'V');
    s.send(POWER, T0 + 2 * MIN, 3, 'hp');
    s.send(POWER, T0 + 3 * MIN, 4, 'hp'); // same wrong unit: quarantined, not alerted again
    s.send(POWER, T0 + 4 * MIN, 230, 'V'); // a known unit, but not a power
    const clean = s.clean();
    expect(clean.map((c) => [c.metricAttribute, c.value, c.unit, c.quality])).toEqual([
      ['ACTIVE_POWER', 1.5, 'kW', QualityBit.UNIT_CONVERTED],
      ['ACTIVE_POWER', 1.2, 'kW', 0],
      ['VOLTAGE', 231, 'V', 0],
    ]);
    expect(s.quarantine().map((q) => [q.rule, q.reading.unit])).toEqual([
      ['unit-unknown', 'hp'],
      ['unit-unknown', 'hp'],
      ['unit-mismatch', 'V'],
    ]);
    expect(s.alerts().map((a) => [a.type, a.reason, a.details.unit])).toEqual([
      ['unit-error', 'unit-unknown', 'hp'],
      ['unit-error', 'unit-mismatch', 'V'],
    ]);
    // Energy in Wh: a series with no canonical unit takes any known unit, converted.
    const e = stage({
      rules: { ...DEFAULT_RULES, series: { ...DEFAULT_RULES.series, WATER: { unit: 'kWh' } } },
    });
    e.send('2.WATER.WATER_SUMMATION', T0, 2500, 'Wh');
    expect(e.clean().map((c) => [c.value, c.unit])).toEqual([[2.5, 'kWh']]);
  });

  it('a duplicate (same key and timestamp within the dedup window) is dropped and counted', () => {
    const s = stage();
    s.send(POWER, T0, 1);
    s.send(POWER, T0, 1.1); // same timestamp, even another value: the first wins
    s.send('2.ELECTRICITY.ACTIVE_POWER', T0, 1); // another series
    s.send(POWER, T0 + MIN, 1);
    expect(s.clean().map((c) => [c.gateway, c.timestamp, c.value])).toEqual([
      ['1', iso(T0), 1],
      ['2', iso(T0), 1],
      ['1', iso(T0 + MIN), 1],
    ]);
    expect(s.counts.get('duplicate/dropped')).toBe(1);
    expect(s.quarantine()).toEqual([]);
  });
});
