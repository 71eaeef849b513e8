import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/expr/compile.js';
import { parseExpression } from '../../src/parser/index.js';
import { formatSqlType, type SqlType, SqlTypes } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';
import { registry, scopeOf } from './builder.js';

/** Expressions written as KSQL text, parsed by the parser and compiled here, end to end. */
const cols: [string, SqlType][] = [
  ['ID', SqlTypes.INTEGER],
  ['NAME', SqlTypes.STRING],
  ['PRICE', SqlTypes.decimal(6, 2)],
  ['TS', SqlTypes.TIMESTAMP],
  ['TAGS', SqlTypes.array(SqlTypes.STRING)],
  ['ATTRS', SqlTypes.map(SqlTypes.STRING, SqlTypes.INTEGER)],
  [
    'ADDR',
    SqlTypes.struct([
      { name: 'CITY', type: SqlTypes.STRING },
      { name: 'ZIP', type: SqlTypes.INTEGER },
    ]),
  ],
  ['lower', SqlTypes.DOUBLE],
];
const row = [
  7,
  'Widget',
  Decimal.parse('12.50'),
  Date.UTC(2021, 5, 1, 12, 30),
  ['red', 'blue', 'green'],
  new Map([
    ['w', 3],
    ['h', 4],
  ]),
  { CITY: 'Oslo', ZIP: 150 },
  0.25,
];

const compileText = (text: string) => compileExpression(parseExpression(text), scopeOf(cols), registry);
const run = (text: string) => compileText(text).evaluate(row);
const typeOf = (text: string) => formatSqlType(compileText(text).type);

describe('expressions from KSQL text', () => {
  it('arithmetic with precedence and DECIMAL results', () => {
    expect(run('ID * 2 + 1')).toBe(15);
    expect(typeOf('PRICE * 2')).toBe('DECIMAL(17, 2)');
    expect((run('PRICE * 2') as Decimal).toString()).toBe('25.00');
    expect(run('`lower` * 4')).toBe(1);
  });

  it('predicates', () => {
    expect(run("NAME LIKE 'Wid%' AND ID BETWEEN 5 AND 10")).toBe(true);
    expect(run("ID IN (1, 2, '7')")).toBe(true);
    expect(run('ID NOT IN (1, 2)')).toBe(true);
    expect(run('NAME IS NOT NULL AND PRICE > 10')).toBe(true);
    expect(run("TS > '2021-06-01T12:00:00'")).toBe(true);
  });

  it('structs, arrays and maps', () => {
    expect(run('ADDR->CITY')).toBe('Oslo');
    expect(run('TAGS[-1]')).toBe('green');
    expect(run("ATTRS['w'] * ATTRS['h']")).toBe(12);
    expect(run('ARRAY_LENGTH(TAGS)')).toBe(3);
    expect(run("MAP('a' := 1, 'b' := 2)['b']")).toBe(2);
    expect(run('STRUCT(N := NAME, I := ID)->I')).toBe(7);
  });

  it('CASE and CAST', () => {
    expect(run("CASE WHEN ID > 5 THEN 'big' ELSE 'small' END")).toBe('big');
    expect(run("CASE ID WHEN 7 THEN 'seven' END")).toBe('seven');
    expect(run('CAST(PRICE AS INTEGER)')).toBe(12);
    expect(run("CAST('3.14159' AS DECIMAL(3, 2))")).toEqual(Decimal.parse('3.14'));
  });

  it('functions, lambdas and interval units', () => {
    expect(run('TRANSFORM(TAGS, t => UCASE(t))')).toEqual(['RED', 'BLUE', 'GREEN']);
    expect(run('FILTER(TAGS, t => LEN(t) > 4)')).toEqual(['green']);
    expect(run('REDUCE(ATTRS, 0, (s, k, v) => s + v)')).toBe(7);
    expect(run("FORMAT_TIMESTAMP(TIMESTAMPADD(HOURS, 2, TS), 'yyyy-MM-dd HH:mm')")).toBe('2021-06-01 14:30');
    expect(run("CONCAT_WS('-', NAME, CAST(ID AS STRING))")).toBe('Widget-7');
    expect(run("SUBSTRING(NAME, 1, 3) || '...'")).toBe('Wid...');
  });

  it('errors point at the offending text', () => {
    expect(() => compileText('ID + UNKNOWN_COL')).toThrow(
      "line 1:6: Column 'UNKNOWN_COL' cannot be resolved.",
    );
    expect(() => compileText('ID > 5 AND NAME = 1')).toThrow(
      'Cannot compare NAME (STRING) to 1 (INTEGER) with EQUAL.',
    );
    expect(() => compileText("ID + 'a'")).toThrow(
      "Error processing expression: (ID + 'a'). Unsupported arithmetic types. INTEGER STRING",
    );
  });
});
