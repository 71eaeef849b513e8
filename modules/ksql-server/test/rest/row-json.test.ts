import { describe, expect, it } from 'vitest';
import { rowColumnsJson } from '../../src/rest/row-json.js';

describe('row columns JSON', () => {
  it('writes DOUBLE values as Java does, so they never read back as integers', () => {
    expect(rowColumnsJson([8, 2.5, 1e-4, 3, null], ['DOUBLE', 'DOUBLE', 'DOUBLE', 'BIGINT', 'DOUBLE'])).toBe(
      '[8.0,2.5,1.0E-4,3,null]',
    );
    expect(rowColumnsJson([[1, 2.5], 'x'], ['ARRAY<DOUBLE>', 'STRING'])).toBe('[[1.0,2.5],"x"]');
    expect(JSON.parse(rowColumnsJson([8], ['DOUBLE']))).toEqual([8]);
  });
});
