import { FLAGGED_QUALITY_MASK, LONG_GAP_QUALITY_BIT } from '@meterstream/common';
import { describe, expect, it } from 'vitest';
import { QualityBit } from '../src/index.js';

describe('the quality bits the aggregates act on (common keeps its own copy)', () => {
  it('flagged = ZERO_RUN | CONSTANT_RUN, long gap = LONG_GAP, as the stage sets them', () => {
    expect(FLAGGED_QUALITY_MASK).toBe(QualityBit.ZERO_RUN | QualityBit.CONSTANT_RUN);
    expect(LONG_GAP_QUALITY_BIT).toBe(QualityBit.LONG_GAP);
  });
});
