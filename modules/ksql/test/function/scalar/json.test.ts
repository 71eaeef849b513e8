import { describe, expect, it } from 'vitest';
import { parseJsonPath } from '../../../src/function/scalar/json/json.js';
import { E, evaluate } from '../../expr/builder.js';

const call = (name: string, ...args: Parameters<typeof E.call>[1][]) => evaluate(E.call(name, ...args));
const doc = JSON.stringify({
  log: { cloud: 'gcp', tags: ['a', 'b'], n: 3, obj: { k: true }, nothing: null },
  'odd key': 1,
});

describe('EXTRACTJSONFIELD', () => {
  it('extracts strings as text and other values as JSON', () => {
    expect(call('EXTRACTJSONFIELD', E.str(doc), E.str('$.log.cloud'))).toBe('gcp');
    expect(call('EXTRACTJSONFIELD', E.str(doc), E.str('$.log.tags[1]'))).toBe('b');
    expect(call('EXTRACTJSONFIELD', E.str(doc), E.str('$.log.n'))).toBe('3');
    expect(call('EXTRACTJSONFIELD', E.str(doc), E.str('$.log.obj'))).toBe('{"k":true}');
    expect(call('EXTRACTJSONFIELD', E.str(doc), E.str("$['odd key']"))).toBe('1');
  });

  it('is NULL for missing paths, JSON null and text that is not JSON', () => {
    expect(call('EXTRACTJSONFIELD', E.str(doc), E.str('$.log.missing'))).toBeNull();
    expect(call('EXTRACTJSONFIELD', E.str(doc), E.str('$.log.tags[5]'))).toBeNull();
    expect(call('EXTRACTJSONFIELD', E.str(doc), E.str('$.log.nothing'))).toBeNull();
    expect(call('EXTRACTJSONFIELD', E.str('{not json'), E.str('$.a'))).toBeNull();
  });

  it('keeps numbers as written (Jackson reads floats as BigDecimal)', () => {
    expect(call('EXTRACTJSONFIELD', E.str('{"a": [1.23450, 2E3]}'), E.str('$.a[0]'))).toBe('1.23450');
    expect(call('EXTRACTJSONFIELD', E.str('{"a": {"b": 1.0, "c": "x"}}'), E.str('$.a'))).toBe(
      '{"b":1.0,"c":"x"}',
    );
    expect(call('JSON_ITEMS', E.str('[1.50, {"k": 2.0}]'))).toEqual(['1.50', '{"k":2.0}']);
  });

  it('parses paths', () => {
    expect(parseJsonPath(`$.a["b"][0]['c''d']`)).toEqual(['a', 'b', 0, "c'd"]);
    expect(() => parseJsonPath('a.b')).toThrow('Invalid JSON path');
  });
});

describe('JSON helpers', () => {
  it('IS_JSON_STRING, JSON_ARRAY_LENGTH, JSON_KEYS', () => {
    expect(call('IS_JSON_STRING', E.str('[1, 2]'))).toBe(true);
    expect(call('IS_JSON_STRING', E.str('"abc"'))).toBe(true);
    expect(call('IS_JSON_STRING', E.str('abc'))).toBe(false);
    expect(call('JSON_ARRAY_LENGTH', E.str('[1, [2, 3]]'))).toBe(2);
    expect(call('JSON_ARRAY_LENGTH', E.str('{}'))).toBeNull();
    expect(call('JSON_KEYS', E.str('{"a": 1, "b": {"c": 2}}'))).toEqual(['a', 'b']);
    expect(call('JSON_KEYS', E.str('[1]'))).toBeNull();
  });
});
