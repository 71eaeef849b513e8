import { describe, expect, it } from 'vitest';
import { UnsupportedFeatureError } from '../../src/errors.js';
import { parseStatements } from '../../src/parser/index.js';
import { SqlTypes } from '../../src/types/sql-type.js';
import { one, parseError, query, show, strip } from './parse-helpers.js';

describe('CREATE STREAM / TABLE', () => {
  it('with columns, key constraints and properties', () => {
    const s = one(
      "CREATE STREAM IF NOT EXISTS pageviews (id BIGINT KEY, `Page` VARCHAR, tags ARRAY<STRING>) WITH (kafka_topic = 'pv', 'value_format' = 'JSON', partitions = 4, wrap_single_value = false)",
      'CreateSource',
    );
    expect(s).toMatchObject({
      sourceType: 'STREAM',
      name: 'PAGEVIEWS',
      ifNotExists: true,
      orReplace: false,
      isSource: false,
    });
    expect(strip(s.elements)).toEqual([
      { name: 'ID', type: SqlTypes.BIGINT, constraint: 'KEY' },
      { name: 'Page', type: SqlTypes.STRING },
      { name: 'TAGS', type: SqlTypes.array(SqlTypes.STRING) },
    ]);
    expect([...s.properties].map(([k, v]) => [k, v.value])).toEqual([
      ['KAFKA_TOPIC', 'pv'],
      ['VALUE_FORMAT', 'JSON'],
      ['PARTITIONS', 4],
      ['WRAP_SINGLE_VALUE', false],
    ]);
  });

  it('OR REPLACE, SOURCE tables, PRIMARY KEY, HEADERS and HEADER columns, no column list', () => {
    const t = one(
      "CREATE OR REPLACE SOURCE TABLE t (k STRING PRIMARY KEY, h ARRAY<STRUCT<key STRING, value BYTES>> HEADERS, h1 BYTES HEADER('x')) WITH (kafka_topic='t', format='JSON')",
      'CreateSource',
    );
    expect(t).toMatchObject({ sourceType: 'TABLE', orReplace: true, isSource: true });
    expect(t.elements?.map((e) => e.constraint)).toEqual(['PRIMARY KEY', 'HEADERS', { header: 'x' }]);
    const inferred = one("CREATE STREAM s WITH (kafka_topic='s', value_format='AVRO')", 'CreateSource');
    expect(inferred.elements).toBeUndefined();
  });

  it('CREATE … AS SELECT is a persistent query without LIMIT', () => {
    const s = one(
      "CREATE TABLE agg WITH (kafka_topic='out') AS SELECT k, COUNT(*) AS n FROM s GROUP BY k EMIT CHANGES",
      'CreateAsSelect',
    );
    expect(s).toMatchObject({ sourceType: 'TABLE', name: 'AGG' });
    expect(s.properties.get('KAFKA_TOPIC')?.value).toBe('out');
    expect(s.query.groupBy?.map(show)).toEqual(['K']);
    expect(parseError('CREATE STREAM x AS SELECT * FROM s LIMIT 1').message).toContain(
      "CREATE STREAM AS SELECT statements don't support LIMIT clause.",
    );
  });

  it('source names must be what Kafka Streams accepts', () => {
    expect(parseError("CREATE STREAM `a b` (x INT) WITH (kafka_topic='t')").message).toContain(
      "Source names may only contain alphanumeric values, '_' or '-'",
    );
  });
});

describe('queries', () => {
  it('select items: *, source.*, struct->*, aliases with and without AS', () => {
    const q = query('SELECT *, s.*, st->*, a AS x, b y, c FROM src s EMIT CHANGES');
    expect(strip(q.select)).toEqual([
      { kind: 'AllColumns' },
      { kind: 'AllColumns', qualifier: 'S' },
      { kind: 'StructAll', base: { kind: 'ColumnRef', name: 'ST' } },
      { kind: 'SingleColumn', expression: { kind: 'ColumnRef', name: 'A' }, alias: 'X' },
      { kind: 'SingleColumn', expression: { kind: 'ColumnRef', name: 'B' }, alias: 'Y' },
      { kind: 'SingleColumn', expression: { kind: 'ColumnRef', name: 'C' } },
    ]);
    expect(q.from).toMatchObject({ name: 'SRC', alias: 'S' });
    expect(q.emit).toBe('CHANGES');
  });

  it('joins of every type, WITHIN one size or (before, after), GRACE PERIOD', () => {
    const q = query(
      'SELECT * FROM a JOIN b WITHIN 10 SECONDS ON a.id = b.id LEFT OUTER JOIN c AS cc WITHIN (1 HOUR, 2 MINUTES) GRACE PERIOD 5 SECONDS ON a.id = cc.id ' +
        'RIGHT JOIN d ON a.id = d.id FULL OUTER JOIN e ON a.id = e.id INNER JOIN f ON a.id = f.id EMIT CHANGES',
    );
    expect(q.joins.map((j) => j.type)).toEqual(['INNER', 'LEFT', 'RIGHT', 'FULL', 'INNER']);
    expect(strip(q.joins[0].within)).toEqual({
      before: { value: 10, unit: 'SECONDS' },
      after: { value: 10, unit: 'SECONDS' },
    });
    expect(strip(q.joins[1].within)).toEqual({
      before: { value: 1, unit: 'HOURS' },
      after: { value: 2, unit: 'MINUTES' },
      grace: { value: 5, unit: 'SECONDS' },
    });
    expect(q.joins[1].right).toMatchObject({ name: 'C', alias: 'CC' });
    expect(show(q.joins[1].on)).toBe('(A.ID = CC.ID)');
  });

  it('windows: TUMBLING, HOPPING, SESSION with RETENTION and GRACE PERIOD; singular units', () => {
    const tumbling = query(
      'SELECT k FROM s WINDOW TUMBLING (SIZE 1 MINUTE, RETENTION 2 DAYS, GRACE PERIOD 10 SECONDS) GROUP BY k EMIT CHANGES',
    );
    expect(strip(tumbling.window)).toEqual({
      kind: 'TUMBLING',
      size: { value: 1, unit: 'MINUTES' },
      retention: { value: 2, unit: 'DAYS' },
      grace: { value: 10, unit: 'SECONDS' },
    });
    const hopping = query(
      'SELECT k FROM s WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS) GROUP BY k EMIT CHANGES',
    );
    expect(strip(hopping.window)).toEqual({
      kind: 'HOPPING',
      size: { value: 30, unit: 'SECONDS' },
      advance: { value: 10, unit: 'SECONDS' },
    });
    const session = query(
      'SELECT k FROM s WINDOW SESSION (5 MINUTES, GRACE PERIOD 1 MILLISECOND) GROUP BY k EMIT CHANGES',
    );
    expect(strip(session.window)).toEqual({
      kind: 'SESSION',
      gap: { value: 5, unit: 'MINUTES' },
      grace: { value: 1, unit: 'MILLISECONDS' },
    });
  });

  it('WHERE, GROUP BY / PARTITION BY lists and parenthesised forms, HAVING, EMIT FINAL, LIMIT', () => {
    const q = query(
      'SELECT a, COUNT(*) FROM s WHERE x > 1 GROUP BY a, b + 1 HAVING COUNT(*) > 2 EMIT FINAL LIMIT 10',
    );
    expect(show(q.where as never)).toBe('(X > 1)');
    expect(q.groupBy?.map(show)).toEqual(['A', '(B + 1)']);
    expect(show(q.having as never)).toBe('(COUNT(*) > 2)');
    expect(q.emit).toBe('FINAL');
    expect(q.limit).toBe(10);
    expect(query('SELECT * FROM s GROUP BY (a, b)').groupBy?.map(show)).toEqual(['A', 'B']);
    expect(query('SELECT * FROM s GROUP BY (a) + 1, b').groupBy?.map(show)).toEqual(['(A + 1)', 'B']);
    expect(query('SELECT * FROM s PARTITION BY ()').partitionBy).toEqual([]);
    expect(query('SELECT * FROM s PARTITION BY a, b->c EMIT CHANGES').partitionBy?.map(show)).toEqual([
      'A',
      'B->C',
    ]);
  });

  it('keyword aliases without AS, parenthesised IN items, lambdas and constructors inside select items', () => {
    const q = query(
      "SELECT a key, COUNT(*) c, TRANSFORM(arr, (x) => x->f) t, STRUCT(a := 1)->A s, MAP('k' := 1)['k'] m FROM src WHERE a IN ((1), 2) EMIT CHANGES",
    );
    expect(q.select.map((i) => (i.kind === 'SingleColumn' ? i.alias : i.kind))).toEqual([
      'KEY',
      'C',
      'T',
      'S',
      'M',
    ]);
    const t = q.select[2];
    expect(
      t.kind === 'SingleColumn' && t.expression.kind === 'FunctionCall' && t.expression.lambdas?.length,
    ).toBe(1);
    expect(show(q.select[3].kind === 'SingleColumn' ? q.select[3].expression : (undefined as never))).toBe(
      'StructConstructor->A',
    );
    expect(q.where?.kind === 'InList' && q.where.list.map(show)).toEqual(['1', '2']);
  });

  it('a pull query has no EMIT; keywords that are names do not end the FROM clause early', () => {
    const pull = query("SELECT * FROM t WHERE k = 'x'");
    expect(pull.emit).toBeUndefined();
    expect(query('SELECT * FROM s EMIT CHANGES').from.alias).toBeUndefined();
    expect(query('SELECT * FROM s PARTITION BY a').from.alias).toBeUndefined();
    expect(query('SELECT * FROM s emit').from.alias).toBe('EMIT');
  });

  it('qualifiers must name a source or an alias of the statement', () => {
    expect(parseError('SELECT x.a FROM s EMIT CHANGES').message).toBe(
      "Failed to prepare statement: 'X' is not a valid stream/table name or alias.",
    );
    expect(parseError('SELECT x.* FROM s y EMIT CHANGES').message).toBe(
      "Failed to prepare statement: 'X' is not a valid stream/table name or alias.",
    );
    expect(() => parseStatements('SELECT s.a, y.b FROM s JOIN t y ON s.a = y.a EMIT CHANGES')).not.toThrow();
  });
});

describe('other statements', () => {
  it('INSERT INTO … SELECT and INSERT … VALUES', () => {
    const insert = one("INSERT INTO out WITH (query_id='q1') SELECT * FROM s EMIT CHANGES", 'InsertInto');
    expect(insert.target).toBe('OUT');
    expect(insert.properties.get('QUERY_ID')?.value).toBe('q1');
    const values = one("INSERT INTO t (k, `v`) VALUES ('a', 1 + 2)", 'InsertValues');
    expect(values.columns).toEqual(['K', 'v']);
    expect(values.values.map(show)).toEqual(["'a'", '(1 + 2)']);
    expect(one('INSERT INTO t VALUES (1, NULL)', 'InsertValues').columns).toBeUndefined();
  });

  it('DROP, TERMINATE, PAUSE, RESUME', () => {
    expect(strip(one('DROP TABLE IF EXISTS t DELETE TOPIC', 'DropSource'))).toMatchObject({
      sourceType: 'TABLE',
      name: 'T',
      ifExists: true,
      deleteTopic: true,
    });
    expect(one('DROP STREAM s', 'DropSource')).toMatchObject({ ifExists: false, deleteTopic: false });
    expect(one('TERMINATE csas_out_1', 'TerminateQuery')).toMatchObject({
      queryId: 'CSAS_OUT_1',
      all: false,
    });
    expect(one('TERMINATE ALL', 'TerminateQuery')).toMatchObject({ all: true });
    expect(one('PAUSE q1', 'PauseQuery')).toMatchObject({ queryId: 'Q1', all: false });
    expect(one('RESUME ALL', 'ResumeQuery')).toMatchObject({ all: true });
  });

  it('LIST / SHOW and DESCRIBE', () => {
    expect(one('SHOW STREAMS EXTENDED', 'List')).toMatchObject({ what: 'STREAMS', extended: true });
    expect(one('list tables', 'List')).toMatchObject({ what: 'TABLES', extended: false });
    expect(one('SHOW ALL TOPICS', 'List')).toMatchObject({ what: 'TOPICS', all: true });
    for (const what of ['QUERIES', 'PROPERTIES', 'FUNCTIONS', 'TYPES', 'VARIABLES']) {
      expect(one(`SHOW ${what}`, 'List').what).toBe(what);
    }
    expect(one('DESCRIBE s EXTENDED', 'DescribeSource')).toMatchObject({ name: 'S', extended: true });
    expect(one('DESCRIBE STREAMS', 'DescribeStreams')).toMatchObject({ extended: false });
    expect(one('DESCRIBE FUNCTION concat', 'DescribeFunction').name).toBe('CONCAT');
    expect(one('DESCRIBE function', 'DescribeSource').name).toBe('FUNCTION');
  });

  it('EXPLAIN a statement or a query id; PRINT with its clauses', () => {
    const explain = one('EXPLAIN SELECT * FROM s EMIT CHANGES', 'Explain');
    expect(explain.statement?.kind).toBe('QueryStatement');
    expect(explain.statement?.text).toBe('SELECT * FROM s EMIT CHANGES');
    expect(one('EXPLAIN CSAS_X_0', 'Explain').queryId).toBe('CSAS_X_0');
    expect(strip(one("PRINT 'my-topic' FROM BEGINNING INTERVAL 2 LIMIT 5", 'PrintTopic'))).toMatchObject({
      topic: 'my-topic',
      fromBeginning: true,
      interval: 2,
      limit: 5,
    });
    expect(one('PRINT myTopic', 'PrintTopic')).toMatchObject({ topic: 'myTopic', fromBeginning: false });
  });

  it('SET / UNSET properties, DEFINE / UNDEFINE variables', () => {
    expect(one("SET 'auto.offset.reset' = 'earliest'", 'SetProperty')).toMatchObject({
      name: 'auto.offset.reset',
      value: 'earliest',
    });
    expect(one("UNSET 'auto.offset.reset'", 'UnsetProperty').name).toBe('auto.offset.reset');
    expect(one("DEFINE topicName = '''my_topic'''", 'DefineVariable')).toMatchObject({
      name: 'topicName',
      value: "'my_topic'",
    });
    expect(one('UNDEFINE topicName', 'UndefineVariable').name).toBe('topicName');
  });

  it('CREATE TYPE registers a type later statements of the script use; DROP TYPE removes it', () => {
    const [create, stream, drop] = parseStatements(
      "CREATE TYPE address AS STRUCT<street STRING, zip INT>; CREATE STREAM s (a ADDRESS, l ARRAY<address>) WITH (kafka_topic='t'); DROP TYPE IF EXISTS address;",
    );
    const address = SqlTypes.struct([
      { name: 'STREET', type: SqlTypes.STRING },
      { name: 'ZIP', type: SqlTypes.INTEGER },
    ]);
    expect(create).toMatchObject({ kind: 'CreateType', name: 'ADDRESS', ifNotExists: false, type: address });
    expect(stream.kind === 'CreateSource' && stream.elements?.map((e) => e.type)).toEqual([
      address,
      SqlTypes.array(address),
    ]);
    expect(drop).toMatchObject({ kind: 'DropType', name: 'ADDRESS', ifExists: true });
    expect(
      parseError("CREATE TYPE a AS INT; DROP TYPE a; CREATE STREAM s (x A) WITH (kafka_topic='t');").message,
    ).toBe('Cannot resolve unknown type: A');
    const fromRegistry = parseStatements(
      "CREATE STREAM s (x MONEY) WITH (kafka_topic='t')",
      undefined,
      new Map([['MONEY', SqlTypes.decimal(10, 2)]]),
    );
    expect(fromRegistry[0].kind === 'CreateSource' && fromRegistry[0].elements?.[0].type).toEqual(
      SqlTypes.decimal(10, 2),
    );
  });

  it('ALTER STREAM / TABLE … ADD COLUMN', () => {
    const alter = one('ALTER TABLE t ADD COLUMN c1 INT, ADD c2 MAP<STRING, DOUBLE>', 'AlterSource');
    expect(alter).toMatchObject({ sourceType: 'TABLE', name: 'T' });
    expect(strip(alter.addColumns)).toEqual([
      { name: 'C1', type: SqlTypes.INTEGER },
      { name: 'C2', type: SqlTypes.map(SqlTypes.STRING, SqlTypes.DOUBLE) },
    ]);
  });

  it('connectors, ASSERT and ALTER SYSTEM parse but are reported as unsupported', () => {
    for (const sql of [
      "CREATE SOURCE CONNECTOR c WITH ('a'='b')",
      'SHOW CONNECTORS',
      "ALTER SYSTEM 'a' = 'b'",
      "ASSERT TOPIC 'x'",
      'DESCRIBE TABLES',
    ]) {
      expect(parseError(sql)).toBeInstanceOf(UnsupportedFeatureError);
    }
  });
});
