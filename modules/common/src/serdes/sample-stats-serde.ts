import type { SampleStats } from '../aggregate.js';
import type { Serde } from './serde.js';

/** count, sum, min, max, estimatedCount, flaggedCount as doubles, then incomplete as one byte. */
const SIZE = 49;
/** The first layout (before the quality fields): still read, from changelogs written by it. */
const SIZE_V1 = 32;

function writeSampleStats(s: SampleStats, out: Buffer, offset: number): void {
  out.writeDoubleBE(s.sampleCount, offset);
  out.writeDoubleBE(s.sum, offset + 8);
  out.writeDoubleBE(s.min, offset + 16);
  out.writeDoubleBE(s.max, offset + 24);
  out.writeDoubleBE(s.estimatedCount, offset + 32);
  out.writeDoubleBE(s.flaggedCount, offset + 40);
  out.writeUInt8(s.incomplete ? 1 : 0, offset + 48);
}

/**
 * The window statistics as the speed layer's window stores (and their changelogs) hold them:
 * 49 bytes, count, sum, min, max, estimatedCount, flaggedCount as big-endian doubles and the
 * incomplete flag as a byte. Fixed size, so the stores write it in place (`serializeInto`); only
 * serialized when the record cache flushes. A 32-byte value (the layout before the quality
 * fields) reads with them at 0 / false, so a restore from an older changelog still works.
 */
export const sampleStatsSerde: Serde<SampleStats> = {
  format: 'sample-stats',
  serialize(s) {
    const out = Buffer.allocUnsafe(SIZE);
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
    };
  },
  serializedSize: () => SIZE,
  serializeInto: writeSampleStats,
};
