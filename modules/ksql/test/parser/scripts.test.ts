// biome-ignore-all lint/suspicious/noTemplateCurlyInString: KSQL variable references are written ${name}
import { describe, expect, it } from 'vitest';
import { parseExpression, parseStatements } from '../../src/parser/index.js';
import { KsqlSyntaxError } from '../../src/parser/syntax-errors.js';
import { parseError, show } from './parse-helpers.js';

describe('scripts', () => {
  it('splits on ; with or without a final ;, keeping each statement text exactly as written', () => {
    const script = "SET 'a' = 'b';\n\nSELECT *\n  FROM s EMIT CHANGES ;  DROP STREAM s";
    const statements = parseStatements(script);
    expect(statements.map((s) => s.kind)).toEqual(['SetProperty', 'QueryStatement', 'DropSource']);
    expect(statements.map((s) => s.text)).toEqual([
      "SET 'a' = 'b'",
      'SELECT *\n  FROM s EMIT CHANGES',
      'DROP STREAM s',
    ]);
    expect(statements.map((s) => s.pos)).toEqual([
      { line: 1, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 26 },
    ]);
    expect(parseStatements(`${script};`)).toHaveLength(3);
    expect(parseStatements('')).toEqual([]);
    expect(parseStatements('  -- only a comment\n')).toEqual([]);
  });

  it('skips -- and /* */ comments, including inside statements', () => {
    const [s] = parseStatements(
      '/* header\n comment */ SELECT a, -- first\n b /* inline */ FROM s; -- trailing',
    );
    expect(s.kind === 'QueryStatement' && s.query.select).toHaveLength(2);
    expect(s.text).toBe('SELECT a, -- first\n b /* inline */ FROM s');
  });

  it('keywords are case-insensitive', () => {
    const [s] = parseStatements('select A from S where B = 1 emit changes');
    expect(s.kind === 'QueryStatement' && s.query.emit).toBe('CHANGES');
  });

  it('statements must be separated by ;', () => {
    const e = parseError('SELECT * FROM s EMIT CHANGES SELECT * FROM t');
    expect(e.position).toEqual({ line: 1, column: 30 });
  });
});

describe('variable substitution', () => {
  it('DEFINE applies to later statements, in identifiers, literals and inside strings', () => {
    const statements = parseStatements(
      "DEFINE format = 'AVRO';\nDEFINE replicas = '3';\nDEFINE name = 'Tom''s';\n" +
        "CREATE STREAM ${streamName} (${col} INT) WITH (kafka_topic = 'topic_${format}', value_format = '${FORMAT}', replicas = ${replicas}, note = '${name}');",
      new Map([
        ['streamName', 'S1'],
        ['col', '`id`'],
      ]),
    );
    const create = statements[3];
    expect(create.kind).toBe('CreateSource');
    if (create.kind !== 'CreateSource') return;
    expect(create.name).toBe('S1');
    expect(create.elements?.[0].name).toBe('id');
    expect([...create.properties].map(([k, v]) => [k, v.value])).toEqual([
      ['KAFKA_TOPIC', 'topic_AVRO'],
      ['VALUE_FORMAT', 'AVRO'],
      ['REPLICAS', 3],
      ['NOTE', "Tom's"],
    ]);
    expect(create.text).toBe(
      "CREATE STREAM S1 (`id` INT) WITH (kafka_topic = 'topic_AVRO', value_format = 'AVRO', replicas = 3, note = 'Tom''s')",
    );
  });

  it('a quoted value stands for a string literal; $${…} escapes; UNDEFINE removes', () => {
    const statements = parseStatements(
      "DEFINE t = '''my_topic''';\nCREATE STREAM s (a INT) WITH (kafka_topic = ${t}, x = '$${t}');\nUNDEFINE t;\nSELECT '${t}' FROM s;",
    );
    const create = statements[1];
    expect(create.kind === 'CreateSource' && create.properties.get('KAFKA_TOPIC')?.value).toBe('my_topic');
    expect(create.kind === 'CreateSource' && create.properties.get('X')?.value).toBe('${t}');
    const select = statements[3];
    // Undefined references inside strings stay as written.
    const item = select.kind === 'QueryStatement' ? select.query.select[0] : undefined;
    expect(item?.kind === 'SingleColumn' && show(item.expression)).toBe("'${t}'");
  });

  it('undefined references and invalid values outside strings are errors at their position', () => {
    expect(parseError('SELECT * FROM ${missing};').message).toBe(
      "line 1:15: Illegal argument. Variable 'missing' is not defined.",
    );
    const badIdentifier = parseError("DEFINE n = 'a b';\nSELECT * FROM ${n};");
    expect(badIdentifier.position).toEqual({ line: 2, column: 15 });
    expect(badIdentifier.message).toContain('Identifier names cannot start with');
    expect(parseError("DEFINE v = 'abc';\nINSERT INTO s VALUES (${v});").message).toContain(
      "Illegal argument. Got: 'abc'",
    );
  });

  it('names are case-insensitive', () => {
    const [, s] = parseStatements("DEFINE Src = 'events';\nSELECT * FROM ${SRC} EMIT CHANGES;");
    expect(s.kind === 'QueryStatement' && s.query.from.name).toBe('EVENTS');
  });
});

describe('syntax errors', () => {
  it('carry the line and column of the offending token in a multi-line script', () => {
    const e = parseError("CREATE STREAM s (a INT) WITH (kafka_topic='t');\nSELECT a,\n  FROM s;");
    expect(e).toBeInstanceOf(KsqlSyntaxError);
    expect(e.position).toEqual({ line: 3, column: 3 });
    expect(e.message.startsWith('line 3:3: Syntax Error\n')).toBe(true);
    expect((e as KsqlSyntaxError).found).toBe('FROM');
    expect(e.message).toContain("Syntax error at or near 'FROM' at line 3:3\nExpecting {");
  });

  it('name the few expected tokens as ksqlDB does', () => {
    expect(parseError("CREATE STREAM i (k STRING (KEY)) WITH (kafka_topic='i');").message).toBe(
      "line 1:28: Syntax Error\nExpecting {'STRING', INTEGER_VALUE}",
    );
    expect(parseError("CREATE STREAM i (k VARCHAR(STRING) (KEY)) WITH (kafka_topic='i');").message).toBe(
      "line 1:36: Syntax Error\nExpecting {',', ')'}",
    );
    expect(parseError('SELECT * FROM s GROUP BY a, (b, c);').message).toBe(
      "line 1:31: Syntax Error\nmissing ')' at ','",
    );
  });

  it('an unknown first word is an unknown statement, with the closest command', () => {
    const e = parseError('SELECT 1 FROM s;\nSELEKT * FROM s;');
    expect(e.message).toBe("line 2:1: Syntax Error\nUnknown statement 'SELEKT'\nDid you mean 'SELECT'?");
  });

  it('no viable alternative reads as ksqlDB words it, and still says what was expected', () => {
    const e = parseError('SELECT CAST(a AS NULL) FROM s;');
    expect(e.message).toContain("Syntax error at or near 'NULL' at line 1:18");
    expect((e as KsqlSyntaxError).expected).toContain('IDENTIFIER');
  });

  it('a reserved word used as a name says how to quote it', () => {
    expect(parseError("CREATE STREAM select (a INT) WITH (kafka_topic='t');").message).toContain(
      '"SELECT" is a reserved keyword and it can\'t be used as an identifier',
    );
  });

  it('an unterminated string or stray character is reported where it starts', () => {
    expect(parseError("SELECT 'abc FROM s").position).toEqual({ line: 1, column: 8 });
    const stray = parseError('SELECT a # b FROM s') as KsqlSyntaxError;
    expect(stray.found).toBe('#');
    expect(stray.message).toBe("line 1:10: Syntax Error\nExpecting 'FROM'");
  });

  it('input left over after an expression is not an unknown statement', () => {
    expect(() => parseExpression('a b')).toThrow("Syntax error at or near 'b' at line 1:3");
  });

  it('too deeply nested input is an error, not a crash', () => {
    const deep = `SELECT ${'('.repeat(20000)}1${')'.repeat(20000)} FROM s;`;
    expect(parseError(deep).message).toContain('Statement is too large to parse');
  });

  it('the end of input is a position too', () => {
    const e = parseError('SELECT * FROM');
    expect(e.position).toEqual({ line: 1, column: 14 });
    expect((e as KsqlSyntaxError).found).toBe('<EOF>');
  });
});
