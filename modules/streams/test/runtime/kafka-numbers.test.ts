import { describe, expect, it } from 'vitest';
import { parseDecimal } from '../../src/runtime/kafka-numbers.js';

describe('parseDecimal (offsets and timestamps as kafkajs hands them)', () => {
  it('equals Number() on every shape kafkajs can hand over, and on odd ones', () => {
    const inputs = [
      '0',
      '7',
      '42',
      '1000000',
      '1333238400000',
      String(Date.now()),
      '999999999999999',
      '9007199254740991',
      '9007199254740993',
      '-1',
      '',
      ' 12',
      '12 ',
      '1e3',
      '0x10',
      '00012',
      'abc',
    ];
    for (const text of inputs) expect(parseDecimal(text), JSON.stringify(text)).toStrictEqual(Number(text));
    for (let i = 0; i < 10_000; i++) {
      const text = String(Math.floor(Math.random() * 10 ** (1 + (i % 15))));
      expect(parseDecimal(text)).toBe(Number(text));
    }
  });
});
