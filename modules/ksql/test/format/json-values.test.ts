import { describe, expect, it } from 'vitest';
import { parseJsonExact } from '../../src/format/json-parse.js';
import { JsonCoercionError, jsonToValue, valueToJson } from '../../src/format/json-values.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';

describe('jsonToValue', () => {
  it('converts JSON into the runtime value of each type', () => {
    expect(jsonToValue(T.decimal(5, 2), 1.5, 'V')).toEqual(new Decimal(150n, 2));
    expect(jsonToValue(T.BYTES, 'YWJj', 'V')).toEqual(Buffer.from('abc'));
    expect(jsonToValue(T.TIMESTAMP, '1000', 'V')).toBe(1000);
    expect(jsonToValue(T.map(T.STRING, T.INTEGER), { a: 1, b: null }, 'V')).toEqual(
      new Map<string, unknown>([
        ['a', 1],
        ['b', null],
      ]),
    );
    // Non-string map keys (test data) are coerced from the object's keys.
    expect(jsonToValue(T.map(T.INTEGER, T.STRING), { '1': 'x' }, 'V')).toEqual(new Map([[1, 'x']]));
    expect(jsonToValue(T.struct([{ name: 'A', type: T.array(T.DOUBLE) }]), { a: [1, '2.5'] }, 'V')).toEqual({
      A: [1, 2.5],
    });
    expect(jsonToValue(T.INTEGER, null, 'V')).toBeNull();
    expect(jsonToValue(T.INTEGER, undefined, 'V')).toBeNull();
  });

  it('keeps the exact digits of decimals parsed with parseJsonExact', () => {
    const json = parseJsonExact(
      '{"D": 12345678987654321.2345678987654321, "S": "x\\u0041", "A": [true, null]}',
    );
    const type = T.struct([
      { name: 'D', type: T.decimal(34, 16) },
      { name: 'S', type: T.STRING },
      { name: 'A', type: T.array(T.BOOLEAN) },
    ]);
    expect(jsonToValue(type, json, 'V')).toEqual({
      D: new Decimal(123456789876543212345678987654321n, 16),
      S: 'xA',
      A: [true, null],
    });
    expect(() => parseJsonExact('{"a":1,}')).toThrow(SyntaxError);
  });

  it('names where the value was and the value itself in errors', () => {
    const attempt = () => jsonToValue(T.struct([{ name: 'A', type: T.BOOLEAN }]), { A: 'yes' }, 'COL');
    expect(attempt).toThrow(JsonCoercionError);
    expect(attempt).toThrow(
      'Can\'t convert type. sourceType: TextNode, requiredType: BOOLEAN (value: {"A":"yes"}), path: COL.A',
    );
  });
});

describe('valueToJson', () => {
  it('converts runtime values to plain JSON (decimals as numbers, bytes as base64)', () => {
    const type = T.struct([
      { name: 'D', type: T.decimal(4, 2) },
      { name: 'B', type: T.BYTES },
      { name: 'M', type: T.map(T.STRING, T.array(T.INTEGER)) },
      { name: 'N', type: T.STRING },
    ]);
    const value = { D: new Decimal(1050n, 2), B: Buffer.from('abc'), M: new Map([['k', [1, 2]]]), N: null };
    expect(valueToJson(type, value)).toEqual({ D: 10.5, B: 'YWJj', M: { k: [1, 2] }, N: null });
  });

  it('is the inverse of jsonToValue for plain JSON', () => {
    const type = T.array(
      T.struct([
        { name: 'T', type: T.TIMESTAMP },
        { name: 'S', type: T.STRING },
      ]),
    );
    const json = [{ T: 5, S: 'x' }, null];
    expect(valueToJson(type, jsonToValue(type, json, 'V'))).toEqual(json);
  });
});
