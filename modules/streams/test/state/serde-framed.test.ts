import { sampleStatsSerde } from '@meterstream/common';
import { describe, expect, it } from 'vitest';
import { type Serde, Serdes } from '../../src/index.js';
import { serializeFramed } from '../../src/state/serde.js';

/** A serde's in-place path must write exactly what serialize() returns; framing must not care which path ran. */
function framedBoth<T>(serde: Serde<T>, value: T): { inPlace: Buffer; copied: Buffer } {
  const { serializedSize: _size, serializeInto: _into, ...plain } = serde;
  const fill = (b: Buffer) => {
    b.fill(0xaa, 0, 3);
    b.fill(0xbb, b.length - 2);
    return b;
  };
  return {
    inPlace: fill(serializeFramed(serde, value, 3, 2)),
    copied: fill(serializeFramed(plain, value, 3, 2)),
  };
}

describe('in-place serialization (Serde.serializedSize / serializeInto)', () => {
  it('Serdes.string() writes the same bytes as serialize(), multi-byte UTF-8 included', () => {
    const serde = Serdes.string();
    for (const text of ['', 'gw-1.ELECTRICITY.ACTIVE_POWER', 'zähler-ü.€.𝄞']) {
      expect(serde.serializedSize!(text)).toBe(serde.serialize(text).length);
      const { inPlace, copied } = framedBoth(serde, text);
      expect(inPlace).toEqual(copied);
      expect(inPlace.subarray(3, inPlace.length - 2)).toEqual(serde.serialize(text));
    }
  });

  it("common's window statistics (the aggregator's store value) write their 32 bytes in place, infinities included", () => {
    for (const a of [
      {
        sampleCount: 3,
        sum: 7.5,
        min: -1,
        max: 4,
        estimatedCount: 0,
        flaggedCount: 0,
        incomplete: false,
        gapFrom: Number.POSITIVE_INFINITY,
      },
      {
        sampleCount: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        estimatedCount: 0,
        flaggedCount: 0,
        incomplete: false,
        gapFrom: Number.POSITIVE_INFINITY,
      },
    ]) {
      const { inPlace, copied } = framedBoth(sampleStatsSerde, a);
      expect(inPlace).toEqual(copied);
      expect(sampleStatsSerde.deserialize(inPlace.subarray(3, 35))).toEqual(a);
    }
  });
});
