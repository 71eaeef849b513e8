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

  it('writes into a framed buffer exactly the bytes serialize returns', () => {
    const big = 'x'.repeat(5000); // beyond the writer's first buffer
    for (const v of [['a', 1, null], { sum: 2.5, count: 3 }, big, []]) {
      const size = serde.serializedSize!(v);
      const out = Buffer.alloc(size + 3, 0xee);
      serde.serializeInto!(v, out, 2);
      expect(out.subarray(2, 2 + size)).toEqual(serde.serialize(v));
      expect([out[0], out[1], out[size + 2]]).toEqual([0xee, 0xee, 0xee]);
    }
    // without sizing first (or after sizing another value), serializeInto encodes the value itself
    serde.serializedSize!(['other']);
    const out = Buffer.alloc(serde.serialize(['a']).length);
    serde.serializeInto!(['a'], out, 0);
    expect(out).toEqual(serde.serialize(['a']));
    // serialize's buffers do not share the writer's memory
    const first = serde.serialize(['first']);
    serde.serialize(['second']);
    expect(serde.deserialize(first)).toEqual(['first']);
  });

  it('reports corrupt input', () => {
    expect(() => serde.deserialize(Buffer.from([42]))).toThrow(/corrupt aggregation data: unknown tag 42/);
  });
});
