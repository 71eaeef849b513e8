import { describe, expect, it } from 'vitest';
import { aggregateDataSerde } from '../../src/plan/aggregate-serde.js';
import { Decimal } from '../../src/values/decimal.js';

describe('aggregateDataSerde', () => {
  const serde = aggregateDataSerde<unknown>();
  const roundTrip = (v: unknown) => serde.deserialize(serde.serialize(v));

  it('round-trips every kind of accumulator data', () => {
    const value = [
      null,
      true,
      false,
      0,
      -1,
      2147483647,
      2147483648,
      -0,
      1.5,
      Number.NaN,
      'héllo ☃',
      '',
      123456789012345678901234567890n,
      Buffer.from([0, 255, 7]),
      { sum: 3, count: 2, nested: { a: [1, 'x'] } },
      new Map<unknown, unknown>([
        ['a', 1],
        [null, 2],
      ]),
      [[], {}, new Map()],
    ];
    expect(roundTrip(value)).toEqual(value);
    expect(Object.is((roundTrip([-0]) as number[])[0], -0)).toBe(true);
  });

  it('keeps a decimal’s exact digits and scale', () => {
    const d = roundTrip(Decimal.parse('-12345678901234567890.0100')) as Decimal;
    expect(d).toBeInstanceOf(Decimal);
    expect(d.toString()).toBe('-12345678901234567890.0100');
    expect(d.scale).toBe(4);
  });

  it('encodes equal keys to equal bytes (stores and partitioning compare bytes)', () => {
    expect(serde.serialize(['a', 1, null])).toEqual(serde.serialize(['a', 1, null]));
    expect(serde.serialize(['a', 1])).not.toEqual(serde.serialize(['a', 2]));
  });

  it('reports corrupt input', () => {
    expect(() => serde.deserialize(Buffer.from([42]))).toThrow(/corrupt aggregation data: unknown tag 42/);
  });
});
