import type { SampleStats } from '../aggregate.js';
import type { Serde } from './serde.js';

const SIZE = 32;

function writeSampleStats(s: SampleStats, out: Buffer, offset: number): void {
  out.writeDoubleBE(s.sampleCount, offset);
  out.writeDoubleBE(s.sum, offset + 8);
  out.writeDoubleBE(s.min, offset + 16);
  out.writeDoubleBE(s.max, offset + 24);
}

/**
 * The window statistics as the speed layer's window stores (and their changelogs) hold them:
 * 32 bytes, count, sum, min, max as big-endian doubles. Fixed size, so the stores write it in
 * place (`serializeInto`); only serialized when the record cache flushes.
 */
export const sampleStatsSerde: Serde<SampleStats> = {
  format: 'sample-stats',
  serialize(s) {
    const out = Buffer.allocUnsafe(SIZE);
    writeSampleStats(s, out, 0);
    return out;
  },
  deserialize(d) {
    return {
      sampleCount: d.readDoubleBE(0),
      sum: d.readDoubleBE(8),
      min: d.readDoubleBE(16),
      max: d.readDoubleBE(24),
    };
  },
  serializedSize: () => SIZE,
  serializeInto: writeSampleStats,
};
