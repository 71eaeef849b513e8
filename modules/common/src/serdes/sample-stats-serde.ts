import type { SampleStats } from '../aggregate.js';
import type { Serde } from './serde.js';

/** count, sum, min, max, estimatedCount, flaggedCount as doubles, then incomplete as one byte. */
const SIZE = 49;
/** SIZE then gapFrom as a double: only a window a long gap ended in, having begun before it. */
const SIZE_GAP = 57;
/** count, sum, min, max only: the first layout, and what a window without quality fields writes. */
const SIZE_V1 = 32;

/** Raw readings (and clean ones without estimates or flags) keep the 32-byte layout. */
function hasQuality(s: SampleStats): boolean {
  return (
    s.estimatedCount !== 0 || s.flaggedCount !== 0 || s.incomplete || s.gapFrom < Number.POSITIVE_INFINITY
  );
}

function sizeOf(s: SampleStats): number {
  if (s.gapFrom < Number.POSITIVE_INFINITY) return SIZE_GAP;
  return hasQuality(s) ? SIZE : SIZE_V1;
}

function writeSampleStats(s: SampleStats, out: Buffer, offset: number): void {
  out.writeDoubleBE(s.sampleCount, offset);
  out.writeDoubleBE(s.sum, offset + 8);
  out.writeDoubleBE(s.min, offset + 16);
  out.writeDoubleBE(s.max, offset + 24);
  if (!hasQuality(s)) return;
  out.writeDoubleBE(s.estimatedCount, offset + 32);
  out.writeDoubleBE(s.flaggedCount, offset + 40);
  out.writeUInt8(s.incomplete ? 1 : 0, offset + 48);
  if (s.gapFrom < Number.POSITIVE_INFINITY) out.writeDoubleBE(s.gapFrom, offset + 49);
}

/**
 * The window statistics as the speed layer's window stores (and their changelogs) hold them:
 * count, sum, min, max as big-endian doubles (32 bytes) and, only when a window has any,
 * estimatedCount and flaggedCount as doubles and the incomplete flag as a byte (49 bytes), and
 * gapFrom as a double only in a window a long gap ended in (57 bytes): raw
 * aggregations write no more changelog bytes than before the quality fields. Sized per value, so
 * the stores write it in place (`serializeInto`); only serialized when the record cache flushes.
 * A 32-byte value reads with the quality fields at 0 / false (also older changelogs).
 */
export const sampleStatsSerde: Serde<SampleStats> = {
  format: 'sample-stats',
  serialize(s) {
    const out = Buffer.allocUnsafe(sizeOf(s));
    writeSampleStats(s, out, 0);
    return out;
  },
  deserialize(d) {
    const v1 = d.length === SIZE_V1;
    return {
      sampleCount: d.readDoubleBE(0),
      sum: d.readDoubleBE(8),
      min: d.readDoubleBE(16),
      max: d.readDoubleBE(24),
      estimatedCount: v1 ? 0 : d.readDoubleBE(32),
      flaggedCount: v1 ? 0 : d.readDoubleBE(40),
      incomplete: v1 ? false : d.readUInt8(48) === 1,
      gapFrom: d.length === SIZE_GAP ? d.readDoubleBE(49) : Number.POSITIVE_INFINITY,
    };
  },
  serializedSize: sizeOf,
  serializeInto: writeSampleStats,
};
