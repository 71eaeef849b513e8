import { describe, expect, it } from 'vitest';
import { compileFlatRowScanner } from '../../src/format/json-flat-row.js';

/** The raw values the scanner reads, or 'gave up'. */
function scan(names: string[], text: string): unknown[] | 'gave up' {
  const scanner = compileFlatRowScanner(names);
  if (!scanner) throw new Error('no scanner');
  const raw: unknown[] = [];
  return scanner(text, raw) ? raw : 'gave up';
}

describe('flat JSON row scanner', () => {
  it('reads the scalars of a flat object by exact name, else by upper-cased name', () => {
    expect(
      scan(
        ['GATEWAY', 'timestamp', 'VALUE', 'OK', 'GONE'],
        '{"gateway":"7","timestamp":"2024-01-01T00:00:00Z","VALUE":-12.5,"ok":true}',
      ),
    ).toEqual(['7', '2024-01-01T00:00:00Z', -12.5, true, undefined]);
    expect(scan(['A', 'B'], ' {\n "b" : null , "a":"x" } ')).toEqual(['x', null]);
    expect(scan(['A'], '{}')).toEqual([undefined]);
    // a quoted lower-case column matches only its exact name; unknown names are skipped
    expect(scan(['timestamp', 'X'], '{"TIMESTAMP":"t","other":1,"x":2}')).toEqual([undefined, 2]);
  });

  it('converts numbers exactly as JSON.parse does', () => {
    const texts = [
      '0',
      '-0',
      '12',
      '-7.25',
      '0.1',
      '0.30000000000000004',
      '123456789012345.67',
      '9007199254740993',
      '1e3',
      '-2.5E-3',
      '5e-324',
      '1.7976931348623157e308',
    ];
    for (const t of texts) {
      const [v] = scan(['N'], `{"N":${t}}`) as unknown[];
      expect(Object.is(v, JSON.parse(t))).toBe(true);
    }
  });

  it('gives up on what JSON.parse must decide: escapes, nesting, duplicates, malformed text', () => {
    const names = ['A', 'B'];
    for (const text of [
      '{"a":"x\\"y"}', // an escape in a value
      '{"\\u0041":1}', // an escape in a name
      '{"a":{"b":1}}',
      '{"a":[1]}',
      '{"a":1,"a":2}', // duplicate: JSON.parse keeps the last
      '{"a":1,"A":2}', // both upper-case to A: the exact one wins, decided by the general reader
      '{"a":1,}',
      '{"a":01}',
      '{"a":1.}',
      '{"a":tru}',
      '{"a":1} x',
      '[1]',
      'null',
      '{"__proto__":1}',
      '{"a":"\u0001"}',
    ]) {
      expect(scan(names, text), text).toBe('gave up');
    }
  });

  it('re-resolves a name that changed at a remembered position', () => {
    const scanner = compileFlatRowScanner(['ID', 'VALUE'])!;
    const read = (text: string) => {
      const raw: unknown[] = [];
      return scanner(text, raw) ? raw : 'gave up';
    };
    expect(read('{"id":1,"value":2}')).toEqual([1, 2]);
    expect(read('{"value":3,"id":4}')).toEqual([4, 3]);
    expect(read('{"idx":5,"value":6}')).toEqual([undefined, 6]);
    expect(read('{"id":7}')).toEqual([7, undefined]);
  });

  it('is not offered for duplicate column names', () => {
    expect(compileFlatRowScanner(['A', 'A'])).toBeUndefined();
  });

  it('reads a column named like an Object.prototype member only from the payload', () => {
    expect(scan(['constructor', 'A'], '{"a":1}')).toEqual([undefined, 1]);
    expect(scan(['constructor', 'A'], '{"constructor":"c"}')).toEqual(['c', undefined]);
  });

  it('scans skipped columns without copying them out, and still gives up on payloads it cannot read', () => {
    const scanner = compileFlatRowScanner(['A', 'B', 'C'], [false, true, false])!;
    const raw: unknown[] = [];
    expect(scanner('{"a":"x","b":"long text not wanted","c":7}', raw)).toBe(true);
    expect(raw).toEqual(['x', undefined, 7]);
    expect(scanner('{"a":"x","b":1.5,"c":null}', raw)).toBe(true);
    expect(raw).toEqual(['x', undefined, null]);
    // a skipped column's escape or nesting still hands the payload to the general reader
    expect(scanner('{"a":"x","b":"q\\"","c":1}', raw)).toBe(false);
    expect(scanner('{"a":"x","b":{"n":1},"c":1}', raw)).toBe(false);
    // as does a skipped column named twice
    expect(scanner('{"a":"x","b":"1","B":"2","c":1}', raw)).toBe(false);
  });
});
