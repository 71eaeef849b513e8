import { describe, expect, it } from 'vitest';
import { SqlTypes } from '../../../src/types/sql-type.js';
import { compile, compileCollecting, E, evaluate } from '../../expr/builder.js';

const call = (name: string, ...args: Parameters<typeof E.call>[1][]) => evaluate(E.call(name, ...args));
const S = E.str;
const I = E.int;
const nullStr = E.cast(E.nul(), SqlTypes.STRING);

describe('CONCAT and CONCAT_WS', () => {
  it('join strings, skipping NULLs', () => {
    expect(call('CONCAT', S('a'), S('b'), S('c'))).toBe('abc');
    expect(call('CONCAT', S('a'), nullStr, S('c'))).toBe('ac');
    expect(call('CONCAT_WS', S('-'), S('a'), nullStr, S('c'))).toBe('a-c');
  });

  it('CONCAT_WS is NULL for a NULL separator', () => {
    expect(call('CONCAT_WS', nullStr, S('a'), S('b'))).toBeNull();
  });

  it('concatenate bytes', () => {
    const b = (s: string) => E.typed('BYTES', Buffer.from(s).toString('base64'));
    expect((call('CONCAT', b('ab'), b('cd')) as Buffer).toString()).toBe('abcd');
  });
});

describe('case functions', () => {
  it('LCASE, UCASE, INITCAP', () => {
    expect(call('LCASE', S('HeLLo'))).toBe('hello');
    expect(call('UCASE', S('HeLLo'))).toBe('HELLO');
    expect(call('INITCAP', S('the QUICK  brown\tfox'))).toBe('The Quick  Brown\tFox');
    expect(call('UCASE', nullStr)).toBeNull();
  });
});

describe('LEN', () => {
  it('counts UTF-16 units like Java', () => {
    expect(call('LEN', S('héllo'))).toBe(5);
    expect(call('LEN', S('😀'))).toBe(2);
    expect(call('LEN', S(''))).toBe(0);
  });
});

describe('SUBSTRING', () => {
  it('is 1-based, with an optional length', () => {
    expect(call('SUBSTRING', S('hello world'), I(7))).toBe('world');
    expect(call('SUBSTRING', S('hello world'), I(1), I(5))).toBe('hello');
  });

  it('counts negative positions from the end', () => {
    expect(call('SUBSTRING', S('hello world'), I(-5))).toBe('world');
    expect(call('SUBSTRING', S('hello world'), I(-5), I(2))).toBe('wo');
  });

  it('clamps positions and lengths past either end', () => {
    expect(call('SUBSTRING', S('abc'), I(0))).toBe('abc');
    expect(call('SUBSTRING', S('abc'), I(10))).toBe('');
    expect(call('SUBSTRING', S('abc'), I(-10), I(2))).toBe('ab');
    expect(call('SUBSTRING', S('abc'), I(2), I(100))).toBe('bc');
    expect(call('SUBSTRING', S('abc'), I(2), I(-1))).toBe('');
  });

  it('is NULL for NULL arguments', () => {
    expect(call('SUBSTRING', nullStr, I(1))).toBeNull();
    expect(call('SUBSTRING', S('abc'), E.cast(E.nul(), SqlTypes.INTEGER))).toBeNull();
  });
});

describe('REPLACE, TRIM, LTRIM, RTRIM', () => {
  it('replace literal text, not patterns', () => {
    expect(call('REPLACE', S('a.b.c'), S('.'), S('--'))).toBe('a--b--c');
    expect(call('REPLACE', S('aaa'), S('aa'), S('b'))).toBe('ba');
  });

  it('trim whitespace and control characters only at the ends', () => {
    expect(call('TRIM', S('  a b \t\n'))).toBe('a b');
    expect(call('LTRIM', S('  a  '))).toBe('a  ');
    expect(call('RTRIM', S('  a  '))).toBe('  a');
    expect(call('TRIM', S('\u00a0a'))).toBe('\u00a0a');
  });
});

describe('SPLIT', () => {
  it('splits on a literal delimiter keeping empty pieces', () => {
    expect(call('SPLIT', S('a,b,,c,'), S(','))).toEqual(['a', 'b', '', 'c', '']);
    expect(call('SPLIT', S('a.b'), S('.'))).toEqual(['a', 'b']);
    expect(call('SPLIT', S('abc'), S('x'))).toEqual(['abc']);
    expect(call('SPLIT', S('abc'), S(''))).toEqual(['a', 'b', 'c']);
    expect(call('SPLIT', S(''), S(''))).toEqual(['']);
    expect(call('SPLIT', S(''), S(','))).toEqual(['']);
  });
});

describe('INSTR', () => {
  it('finds the 1-based position, 0 when absent', () => {
    expect(call('INSTR', S('CORPORATE FLOOR'), S('OR'))).toBe(2);
    expect(call('INSTR', S('CORPORATE FLOOR'), S('XX'))).toBe(0);
  });

  it('starts at a position and counts occurrences, searching backwards from a negative position', () => {
    expect(call('INSTR', S('CORPORATE FLOOR'), S('OR'), I(3))).toBe(5);
    expect(call('INSTR', S('CORPORATE FLOOR'), S('OR'), I(3), I(2))).toBe(14);
    expect(call('INSTR', S('CORPORATE FLOOR'), S('OR'), I(-3), I(2))).toBe(2);
    expect(call('INSTR', S('CORPORATE FLOOR'), S('OR'), I(-1))).toBe(14);
  });

  it('is 0 for NULL inputs and positions beyond the string', () => {
    expect(call('INSTR', nullStr, S('a'))).toBe(0);
    expect(call('INSTR', S('abc'), S('a'), I(10))).toBe(0);
  });
});

describe('LPAD and RPAD', () => {
  it('pad with a repeated string and truncate to the length', () => {
    expect(call('LPAD', S('Foo'), I(7), S('Bar'))).toBe('BarBFoo');
    expect(call('RPAD', S('Foo'), I(7), S('Bar'))).toBe('FooBarB');
    expect(call('LPAD', S('FooBar'), I(3), S('x'))).toBe('Foo');
    expect(call('RPAD', S('FooBar'), I(3), S('x'))).toBe('Foo');
  });

  it('are NULL for an empty padding or negative length', () => {
    expect(call('LPAD', S('Foo'), I(7), S(''))).toBeNull();
    expect(call('RPAD', S('Foo'), I(-1), S('x'))).toBeNull();
    expect(call('RPAD', nullStr, I(3), S('x'))).toBeNull();
  });

  it('pad bytes', () => {
    const b = (bytes: number[]) => E.typed('BYTES', Buffer.from(bytes).toString('base64'));
    expect([...(call('LPAD', b([1, 2]), I(5), b([9])) as Buffer)]).toEqual([9, 9, 9, 1, 2]);
    expect([...(call('RPAD', b([1, 2]), I(3), b([7, 8])) as Buffer)]).toEqual([1, 2, 7]);
  });
});

describe('CHR, ELT, FIELD', () => {
  it('CHR turns code points and \\u escapes into characters', () => {
    expect(call('CHR', I(75))).toBe('K');
    expect(call('CHR', I(128512))).toBe('😀');
    expect(call('CHR', S('\\u004b'))).toBe('K');
    expect(call('CHR', I(-1))).toBeNull();
    expect(call('CHR', S('K'))).toBeNull();
  });

  it('ELT picks the n-th argument, NULL outside', () => {
    expect(call('ELT', I(2), S('a'), S('b'))).toBe('b');
    expect(call('ELT', I(0), S('a'))).toBeNull();
    expect(call('ELT', I(3), S('a'), S('b'))).toBeNull();
  });

  it('FIELD finds a string’s 1-based position, 0 when absent or NULL', () => {
    expect(call('FIELD', S('b'), S('a'), S('b'))).toBe(2);
    expect(call('FIELD', S('z'), S('a'))).toBe(0);
    expect(call('FIELD', nullStr, S('a'), nullStr)).toBe(0);
  });
});

describe('UUID', () => {
  it('makes a random RFC 4122 id per call, or formats 16 bytes', () => {
    const c = compile(E.call('UUID'));
    const a = c.evaluate([]) as string;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c.evaluate([])).not.toBe(a);
    const bytes = E.typed('BYTES', Buffer.from('00112233445566778899aabbccddeeff', 'hex').toString('base64'));
    expect(call('UUID', bytes)).toBe('00112233-4455-6677-8899-aabbccddeeff');
  });
});

describe('TO_BYTES, FROM_BYTES, ENCODE', () => {
  it('convert between strings and bytes in each encoding', () => {
    expect([...(call('TO_BYTES', S('4a4B'), S('hex')) as Buffer)]).toEqual([0x4a, 0x4b]);
    expect(call('FROM_BYTES', E.call('TO_BYTES', S('hi'), S('utf8')), S('hex'))).toBe('6869');
    expect(call('FROM_BYTES', E.call('TO_BYTES', S('aGk='), S('base64')), S('utf8'))).toBe('hi');
    expect(call('ENCODE', S('Hello'), S('ascii'), S('base64'))).toBe('SGVsbG8=');
    expect(call('ENCODE', S('48656c6c6f'), S('hex'), S('utf8'))).toBe('Hello');
    // ENCODE writes hex in lower case, FROM_BYTES in upper case (as ksqlDB's two libraries do)
    expect(call('ENCODE', S('Hi'), S('utf8'), S('hex'))).toBe('4869');
    expect(call('FROM_BYTES', E.call('TO_BYTES', S('Hi!'), S('utf8')), S('hex'))).toBe('486921');
  });

  it('are NULL for an unknown encoding', () => {
    const { compiled, errors } = compileCollecting(E.call('TO_BYTES', S('x'), S('ebcdic')));
    expect(compiled.evaluate([])).toBeNull();
    expect(errors[0].message).toContain("Unknown encoding: 'ebcdic'");
  });
});
