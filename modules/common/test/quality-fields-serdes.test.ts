import { describe, expect, it } from 'vitest';
import {
  EMPTY_STATS,
  aggregateJsonSerde,
  foldReading,
  metricReadingJsonSerde,
  sampleStatsSerde,
  toAggregate,
} from '../src/index.js';

const id = { gateway: 'g1', metricType: 'ELECTRICITY', metricAttribute: 'ACTIVE_POWER' } as const;
const json = (o: unknown) => Buffer.from(JSON.stringify(o), 'utf8');

describe('clean readings and quality fields through the serdes (issue #21 item 4)', () => {
  it('a JSON clean reading decodes with quality and estimated; a raw one without', () => {
    const clean = {
      gateway: 'g1',
      metricType: 'ELECTRICITY',
      metricAttribute: 'ACTIVE_POWER',
      timestamp: '2026-01-01T00:00:00Z',
      value: 1.5,
      unit: 'kW',
      quality: 48,
      estimated: true,
    };
    expect(metricReadingJsonSerde.deserialize(json(clean))).toEqual({
      timestamp: Date.UTC(2026, 0, 1),
      value: 1.5,
      quality: 48,
      estimated: true,
    });
    const { quality: _q, estimated: _e, ...raw } = clean;
    expect(metricReadingJsonSerde.deserialize(json(raw))).toEqual({
      timestamp: Date.UTC(2026, 0, 1),
      value: 1.5,
    });
  });

  it('a quality of the wrong type is a deserialization error naming the field', () => {
    const bad = { timestamp: '2026-01-01T00:00:00Z', value: 1, quality: 'x' };
    expect(() => metricReadingJsonSerde.deserialize(json(bad))).toThrow(/"quality"/);
    const badEstimated = { timestamp: '2026-01-01T00:00:00Z', value: 1, estimated: 1 };
    expect(() => metricReadingJsonSerde.deserialize(json(badEstimated))).toThrow(/"estimated"/);
  });

  it('window statistics round-trip with the quality fields; a 32-byte value of the first layout reads them as 0 / false', () => {
    let stats = foldReading(EMPTY_STATS, 4, 256, false);
    stats = foldReading(stats, 9, 16, true);
    const back = sampleStatsSerde.deserialize(sampleStatsSerde.serialize(stats));
    expect(back).toEqual({
      sampleCount: 2,
      sum: 13,
      min: 4,
      max: 4,
      estimatedCount: 1,
      flaggedCount: 1,
      incomplete: true,
      gapFrom: Number.POSITIVE_INFINITY,
    });
    const v1 = Buffer.alloc(32);
    for (const [i, x] of [3, 6, 1, 3].entries()) v1.writeDoubleBE(x, i * 8);
    expect(sampleStatsSerde.deserialize(v1)).toEqual({
      sampleCount: 3,
      sum: 6,
      min: 1,
      max: 3,
      estimatedCount: 0,
      flaggedCount: 0,
      incomplete: false,
      gapFrom: Number.POSITIVE_INFINITY,
    });
  });

  it('a long gap that began before the window: the earliest gapFrom round-trips through the stats (57 bytes) and the aggregate', () => {
    const start = Date.parse('2026-01-01T01:00:00Z');
    let stats = foldReading(EMPTY_STATS, 4, 256, false, start - 7_200_000);
    stats = foldReading(stats, 5, 256, false, start - 3_600_000);
    stats = foldReading(stats, 6, 0, false);
    expect(stats.gapFrom).toBe(start - 7_200_000);
    const bytes = sampleStatsSerde.serialize(stats);
    expect(bytes).toHaveLength(57);
    expect(sampleStatsSerde.deserialize(bytes)).toEqual(stats);
    const aggregate = toAggregate(id, start, start + 3_600_000, stats);
    expect(aggregate.gapFrom).toBe(start - 7_200_000);
    const wire = JSON.parse(aggregateJsonSerde.serialize(aggregate).toString());
    expect(wire.gapFrom).toBe('2025-12-31T23:00:00Z');
    expect(aggregateJsonSerde.deserialize(aggregateJsonSerde.serialize(aggregate))).toEqual(aggregate);
    // A gap that began inside the window needs no mark elsewhere: the aggregate does not carry it.
    const inside = foldReading(EMPTY_STATS, 4, 256, false, start + 60_000);
    expect(toAggregate(id, start, start + 3_600_000, inside).gapFrom).toBeUndefined();
  });

  it('window statistics without quality fields keep the 32-byte layout (raw aggregations write no more changelog bytes)', () => {
    const raw = foldReading(foldReading(EMPTY_STATS, 4, undefined, undefined), 9, undefined, undefined);
    const bytes = sampleStatsSerde.serialize(raw);
    expect(bytes).toHaveLength(32);
    expect(sampleStatsSerde.serializedSize?.(raw)).toBe(32);
    expect(sampleStatsSerde.deserialize(bytes)).toEqual(raw);
    const estimated = foldReading(raw, 5, 0, true);
    expect(sampleStatsSerde.serialize(estimated)).toHaveLength(49);
    const inPlace = Buffer.alloc(sampleStatsSerde.serializedSize!(estimated));
    sampleStatsSerde.serializeInto!(estimated, inPlace, 0);
    expect(sampleStatsSerde.deserialize(inPlace)).toEqual(estimated);
  });

  it('an aggregate wire max of null reads back only when every reading was flagged', () => {
    const wire = {
      gateway: 'g1',
      metricType: 'ELECTRICITY',
      metricAttribute: 'ACTIVE_POWER',
      windowStart: '2026-01-01T00:00:00Z',
      windowEnd: '2026-01-01T00:01:00Z',
      sampleCount: 2,
      sum: 0,
      min: 0,
      max: null,
      average: 0,
      flaggedCount: 2,
      incomplete: true,
    };
    const read = aggregateJsonSerde.deserialize(json(wire));
    expect(read.max).toBe(Number.NEGATIVE_INFINITY);
    expect(read).toMatchObject({ flaggedCount: 2, incomplete: true });
    expect(read.estimatedCount).toBeUndefined();
    expect(() => aggregateJsonSerde.deserialize(json({ ...wire, flaggedCount: 1 }))).toThrow(/"max"/);
    expect(() => aggregateJsonSerde.deserialize(json({ ...wire, flaggedCount: 3 }))).toThrow(/flaggedCount/);
  });
});
