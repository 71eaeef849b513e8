import { describe, expect, it } from 'vitest';
import { formatSqlType, SqlTypes } from '../../../src/types/sql-type.js';
import type { Decimal } from '../../../src/values/decimal.js';
import { compile, E, evaluate } from '../../expr/builder.js';

const call = (name: string, ...args: Parameters<typeof E.call>[1][]) => evaluate(E.call(name, ...args));
const S = E.str;
const I = E.int;
const bytes = (hex: string) => E.typed('BYTES', Buffer.from(hex, 'hex').toString('base64'));
const ints = (...xs: number[]) => E.array(...xs.map((x) => I(x)));

describe('trigonometry, TRUNC and GEO_DISTANCE', () => {
  it('computes in radians on doubles', () => {
    expect(call('SIN', E.dbl(Math.PI / 2))).toBe(1);
    expect(call('ATAN2', I(1), I(1))).toBeCloseTo(Math.PI / 4, 15);
    expect(call('DEGREES', E.call('PI'))).toBe(180);
    expect(call('RADIANS', I(180))).toBe(Math.PI);
    expect(call('CBRT', I(27))).toBe(3);
  });

  it('TRUNC rounds towards zero, keeping types as ROUND does', () => {
    expect(call('TRUNC', E.dbl(-1.9))).toBe(-1);
    expect(formatSqlType(compile(E.call('TRUNC', E.dbl(1.9))).type)).toBe('BIGINT');
    expect(call('TRUNC', E.dbl(1.289), I(2))).toBe(1.28);
    expect((call('TRUNC', E.dec('-12.99')) as Decimal).toString()).toBe('-12');
    expect((call('TRUNC', E.dec('1.299'), I(1)) as Decimal).toString()).toBe('1.200');
  });

  it('GEO_DISTANCE in kilometres by default, or miles', () => {
    const km = call(
      'GEO_DISTANCE',
      E.dbl(37.4439),
      E.dbl(-122.1663),
      E.dbl(51.5257),
      E.dbl(-0.1122),
    ) as number;
    expect(km).toBeCloseTo(8634.66, 1);
    const mi = call(
      'GEO_DISTANCE',
      E.dbl(37.4439),
      E.dbl(-122.1663),
      E.dbl(51.5257),
      E.dbl(-0.1122),
      S('MI'),
    ) as number;
    expect(mi / km).toBeCloseTo(3959 / 6371, 10);
    expect(
      call('GEO_DISTANCE', E.dbl(1), E.dbl(2), E.dbl(1), E.dbl(2), E.cast(E.nul(), SqlTypes.STRING)),
    ).toBe(0);
    expect(call('GEO_DISTANCE', E.dbl(91), E.dbl(0), E.dbl(0), E.dbl(0))).toBeNull();
  });
});

describe('more array functions', () => {
  it('concatenate and combine as sets, in order', () => {
    expect(call('ARRAY_CONCAT', ints(1, 2), ints(2, 3))).toEqual([1, 2, 2, 3]);
    expect(call('ARRAY_CONCAT', E.cast(E.nul(), SqlTypes.array(SqlTypes.INTEGER)), ints(1))).toEqual([1]);
    expect(call('ARRAY_UNION', ints(1, 2, 1), ints(3, 2))).toEqual([1, 2, 3]);
    expect(call('ARRAY_INTERSECT', ints(3, 1, 2, 3), ints(3, 2))).toEqual([3, 2]);
    expect(call('ARRAY_EXCEPT', ints(3, 1, 2, 1), ints(2))).toEqual([3, 1]);
    expect(call('ARRAY_REMOVE', ints(1, 2, 1), I(1))).toEqual([2]);
  });

  it('ARRAY_JOIN prints elements with a delimiter, NULLs as null', () => {
    expect(call('ARRAY_JOIN', E.array(S('a'), E.nul(), S('b')))).toBe('a,null,b');
    expect(call('ARRAY_JOIN', E.array(E.dbl(1), E.dbl(2.5)), S('|'))).toBe('1.0|2.5');
  });

  it('SLICE is 1-based and inclusive, NULL for an impossible range', () => {
    expect(call('SLICE', ints(1, 2, 3, 4), I(2), I(3))).toEqual([2, 3]);
    expect(call('SLICE', ints(1, 2, 3), E.cast(E.nul(), SqlTypes.INTEGER), I(2))).toEqual([1, 2]);
    expect(call('SLICE', ints(1, 2, 3), I(2), I(9))).toBeNull();
  });

  it('GENERATE_SERIES counts up or down by a step', () => {
    expect(call('GENERATE_SERIES', I(1), I(4))).toEqual([1, 2, 3, 4]);
    expect(call('GENERATE_SERIES', I(5), I(1), I(-2))).toEqual([5, 3, 1]);
    expect(call('GENERATE_SERIES', I(1), I(4), I(0))).toBeNull();
  });
});

describe('more map functions', () => {
  it('MAP_UNION, ENTRIES and SPLIT_TO_MAP', () => {
    const u = call('MAP_UNION', E.map([S('a'), I(1)], [S('b'), I(2)]), E.map([S('b'), I(3)])) as Map<
      string,
      number
    >;
    expect([...u]).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
    expect(call('ENTRIES', E.map([S('b'), I(2)], [S('a'), I(1)]), E.bool(true))).toEqual([
      { K: 'a', V: 1 },
      { K: 'b', V: 2 },
    ]);
    const m = call('SPLIT_TO_MAP', S('a=1;b=2=3;junk'), S(';'), S('=')) as Map<string, string>;
    expect([...m]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });
});

describe('regular expressions', () => {
  it('extract, replace and split', () => {
    expect(call('REGEXP_EXTRACT', S('(\\d+)-(\\d+)'), S('tel 555-1234'), I(2))).toBe('1234');
    expect(call('REGEXP_EXTRACT', S('x+'), S('abc'))).toBeNull();
    expect(call('REGEXP_EXTRACT_ALL', S('\\d'), S('a1b2c3'))).toEqual(['1', '2', '3']);
    expect(call('REGEXP_REPLACE', S('a1b22'), S('\\d+'), S('#'))).toBe('a#b#');
    expect(call('REGEXP_SPLIT_TO_ARRAY', S('a1b22c33'), S('\\d+'))).toEqual(['a', 'b', 'c']);
    // groups are not part of the result, as in Java
    expect(call('REGEXP_SPLIT_TO_ARRAY', S('aabcda'), S('(ab|cd)'))).toEqual(['a', '', 'a']);
  });
});

describe('masking and hashing', () => {
  it('MASK replaces letters, digits and others by class', () => {
    expect(call('MASK', S('Ab-1'))).toBe('Xx-n');
    expect(call('MASK', S('Ab-1'), S('U'), S('l'), S('#'), S('*'))).toBe('Ul*#');
    expect(call('MASK_LEFT', S('Abcd12'), I(3))).toBe('Xxxd12');
    expect(call('MASK_RIGHT', S('Abcd12'), I(2))).toBe('Abcdnn');
    expect(call('MASK_KEEP_LEFT', S('Abcd12'), I(2))).toBe('Abxxnn');
    expect(call('MASK_KEEP_RIGHT', S('Abcd12'), I(2))).toBe('Xxxx12');
  });

  it('MD5 is lower-case hex', () => {
    expect(call('MD5', S('hello'))).toBe('5d41402abc4b2a76b9719d911017c592');
  });
});

describe('conversions', () => {
  it('reads numbers from bytes in either byte order', () => {
    expect(call('INT_FROM_BYTES', bytes('000001f4'))).toBe(500);
    expect(call('INT_FROM_BYTES', bytes('f4010000'), S('LITTLE_ENDIAN'))).toBe(500);
    expect(call('BIGINT_FROM_BYTES', bytes('00000000000001f4'))).toBe(500);
    expect(call('DOUBLE_FROM_BYTES', bytes('3ff8000000000000'))).toBe(1.5);
    expect(call('INT_FROM_BYTES', bytes('01'))).toBeNull();
  });

  it('AS_VALUE returns its argument; TO_JSON_STRING writes JSON by type', () => {
    expect(call('AS_VALUE', ints(1))).toEqual([1]);
    expect(
      call('TO_JSON_STRING', E.struct(['A', E.dec('1.50')], ['B', E.map([S('k'), E.array(S('v'))])])),
    ).toBe('{"A":1.50,"B":{"k":["v"]}}');
    expect(call('TO_JSON_STRING', E.cast(S('2021-03-04'), SqlTypes.DATE))).toBe('"2021-03-04"');
    expect(call('TO_JSON_STRING', S('a"b'))).toBe('"a\\"b"');
  });

  it('ENCODE reads hex with 0x and X quotes', () => {
    expect(call('ENCODE', S('0x4869'), S('hex'), S('utf8'))).toBe('Hi');
    expect(call('ENCODE', S("X'4869'"), S('hex'), S('utf8'))).toBe('Hi');
    expect(call('ENCODE', S('0x569'), S('hex'), S('base64'))).toBe('BWk=');
    expect(call('ENCODE', S('569'), S('hex'), S('utf8'))).toBeNull();
  });
});

describe('more JSON functions', () => {
  it('JSON_RECORDS, JSON_ITEMS, JSON_ARRAY_CONTAINS, JSON_CONCAT', () => {
    expect([
      ...(call('JSON_RECORDS', S('{"a": 1, "b": {"c": "d"}, "e": "text"}')) as Map<string, string>),
    ]).toEqual([
      ['a', '1'],
      ['b', '{"c":"d"}'],
      ['e', 'text'],
    ]);
    expect(call('JSON_ITEMS', S('[1, "x", {"y": null}]'))).toEqual(['1', '"x"', '{"y":null}']);
    expect(call('JSON_ARRAY_CONTAINS', S('[1, 2, 3]'), I(2))).toBe(true);
    expect(call('JSON_ARRAY_CONTAINS', S('["a"]'), S('b'))).toBe(false);
    expect(call('JSON_ARRAY_CONTAINS', S('not json'), I(1))).toBe(false);
    expect(call('JSON_CONCAT', S('{"a": 1}'), S('{"b": 2}'))).toBe('{"a":1,"b":2}');
    expect(call('JSON_CONCAT', S('[1]'), S('[2, 3]'))).toBe('[1,2,3]');
  });

  it('EXTRACTJSONFIELD reads the first JSON value of text with trailing garbage, as Jackson does', () => {
    expect(call('EXTRACTJSONFIELD', S('{"name": "x", "@type": "T"}}'), S('$.@type'))).toBe('T');
  });
});

describe('URL functions', () => {
  const url = S('https://user@example.com:8080/a%20b/c?q=1&r=two%20words#frag');
  it('extract the parts of a URL, NULL when absent', () => {
    expect(call('URL_EXTRACT_HOST', url)).toBe('example.com');
    expect(call('URL_EXTRACT_PORT', url)).toBe(8080);
    expect(call('URL_EXTRACT_PORT', S('http://example.com/'))).toBeNull();
    expect(call('URL_EXTRACT_PROTOCOL', url)).toBe('https');
    expect(call('URL_EXTRACT_PATH', url)).toBe('/a b/c');
    expect(call('URL_EXTRACT_PATH', S('http://example.com'))).toBe('');
    expect(call('URL_EXTRACT_QUERY', url)).toBe('q=1&r=two words');
    expect(call('URL_EXTRACT_FRAGMENT', url)).toBe('frag');
    expect(call('URL_EXTRACT_PARAMETER', url, S('r'))).toBe('two words');
    expect(call('URL_EXTRACT_PARAMETER', url, S('zz'))).toBeNull();
  });

  it('encode and decode query parameters as forms do', () => {
    expect(call('URL_ENCODE_PARAM', S("a b&c=d/é'"))).toBe('a+b%26c%3Dd%2F%C3%A9%27');
    expect(call('URL_DECODE_PARAM', S('a+b%26c'))).toBe('a b&c');
  });
});

describe('CONVERT_TZ', () => {
  it('shows the wall-clock time of one zone in another', () => {
    const ts = E.cast(S('2021-03-04T12:00:00'), SqlTypes.TIMESTAMP);
    expect(call('CONVERT_TZ', ts, S('UTC'), S('Asia/Tokyo'))).toBe(Date.UTC(2021, 2, 4, 21));
    expect(call('CONVERT_TZ', ts, S('America/New_York'), S('UTC'))).toBe(Date.UTC(2021, 2, 4, 17));
  });
});
