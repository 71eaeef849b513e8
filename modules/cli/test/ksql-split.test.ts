import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isQueryStatement, parsePropertyStatement, splitStatements } from '../src/ksql/split-statements.js';

describe('ksql statement splitter', () => {
  it('splits at top-level semicolons and keeps each statement terminated', () => {
    expect(
      splitStatements("CREATE STREAM a (x INT) WITH (KAFKA_TOPIC='a');\nDROP STREAM a;").map((s) => s.text),
    ).toEqual(["CREATE STREAM a (x INT) WITH (KAFKA_TOPIC='a');", 'DROP STREAM a;']);
  });

  it('does not split at semicolons inside strings, escaped quotes, identifiers or comments', () => {
    const script = [
      "INSERT INTO t (k, v) VALUES ('a;b', 'it''s; fine');",
      'SELECT `odd;name` FROM t; -- trailing comment; with semicolon',
      '/* block; comment',
      '   spanning lines; */ DROP TABLE t;',
    ].join('\n');
    const statements = splitStatements(script);
    expect(statements.map((s) => s.text)).toEqual([
      "INSERT INTO t (k, v) VALUES ('a;b', 'it''s; fine');",
      'SELECT `odd;name` FROM t;',
      'DROP TABLE t;',
    ]);
    expect(statements.map((s) => s.line)).toEqual([1, 2, 4]);
  });

  it('drops comment-only text and reports the starting line of each statement', () => {
    const statements = splitStatements('-- header\n\n-- another\nSHOW STREAMS;\n\n  LIST TOPICS;\n-- end\n');
    expect(statements).toEqual([
      { text: 'SHOW STREAMS;', line: 4 },
      { text: 'LIST TOPICS;', line: 6 },
    ]);
  });

  it('rejects an unterminated string, comment or statement with its line', () => {
    expect(() => splitStatements("SELECT 'abc FROM t;")).toThrow(/unterminated ' quote starting on line 1/);
    expect(() => splitStatements('SHOW TOPICS;\n/* never closed')).toThrow(
      /unterminated \/\* comment starting on line 2/,
    );
    expect(() => splitStatements('SHOW TOPICS;\nSHOW STREAMS')).toThrow(
      /line 2 has no terminating semicolon/,
    );
  });

  it('tells queries from statements and parses SET/UNSET', () => {
    expect(isQueryStatement('  select * from t;')).toBe(true);
    expect(isQueryStatement('PRINT topic;')).toBe(true);
    expect(isQueryStatement('CREATE STREAM s AS SELECT * FROM t;')).toBe(false);
    expect(parsePropertyStatement("SET 'auto.offset.reset' = 'earliest';")).toEqual({
      set: 'auto.offset.reset',
      value: 'earliest',
    });
    expect(parsePropertyStatement("UNSET 'auto.offset.reset';")).toEqual({ unset: 'auto.offset.reset' });
    expect(parsePropertyStatement('SHOW TOPICS;')).toBeUndefined();
  });

  it('splits the project queries file into the expected statements', () => {
    const script = readFileSync(new URL('../../../ksql/queries.ksql', import.meta.url), 'utf8');
    const statements = splitStatements(script);
    const kinds = statements.map((s) => /^\s*(\w+(?:\s+\w+)?)/.exec(s.text)![1]!.toUpperCase());
    expect(kinds[0]).toBe('SET');
    expect(kinds.filter((k) => k === 'CREATE STREAM')).toHaveLength(12);
    expect(kinds.filter((k) => k === 'CREATE TABLE')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'INSERT INTO')).toHaveLength(4);
    expect(kinds.at(-1)).toBe('SELECT');
    // the quoted TIMESTAMP_FORMAT with doubled quotes survives intact
    expect(statements[1]!.text).toContain("TIMESTAMP_FORMAT = 'yyyy-MM-dd''T''HH:mm:ss[.SSS]X'");
  });
});
