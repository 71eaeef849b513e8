import { describe, expect, it } from 'vitest';
import { KsqlError } from '../../src/errors.js';
import { testEngine } from './helpers.js';

describe('CREATE STREAM / TABLE', () => {
  it('registers a stream with its key and value columns, formats and topic', async () => {
    const { engine } = testEngine({ topics: { input: 3 } });
    const [r] = await engine.execute(
      "CREATE STREAM S (ID INT KEY, NAME STRING, V BIGINT) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON');",
    );
    expect(r.kind).toBe('SourceCreated');
    if (r.kind !== 'SourceCreated') return;
    expect(r.message).toBe('Stream created');
    expect(r.source).toMatchObject({
      name: 'S',
      type: 'STREAM',
      topic: 'input',
      keyFormat: 'KAFKA',
      valueFormat: 'JSON',
      partitions: 3,
    });
    expect(r.source.columns.map((c) => `${c.name}:${c.namespace}`)).toEqual([
      'ID:KEY',
      'NAME:VALUE',
      'V:VALUE',
    ]);
  });

  it('refuses a topic that does not exist unless PARTITIONS is given, and then creates it', async () => {
    const { engine, topics } = testEngine();
    await expect(
      engine.execute("CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='foo', VALUE_FORMAT='JSON');"),
    ).rejects.toThrow('Kafka topic does not exist: foo');
    await engine.execute(
      "CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='foo', VALUE_FORMAT='JSON', PARTITIONS=2, REPLICAS=1);",
    );
    expect(topics.topics.get('foo')?.partitions).toBe(2);
  });

  it('refuses a second source of the same name, naming both types', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await engine.execute("CREATE STREAM X (V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');");
    await expect(
      engine.execute("CREATE STREAM X (V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"),
    ).rejects.toThrow("Cannot add stream 'X': A stream with the same name already exists");
    await expect(
      engine.execute(
        "CREATE TABLE X (K INT PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
      ),
    ).rejects.toThrow("Cannot add table 'X': A stream with the same name already exists");
    const [r] = await engine.execute(
      "CREATE STREAM IF NOT EXISTS X (V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
    );
    expect(r.kind).toBe('SourceCreated');
  });

  it('applies the KEY / PRIMARY KEY rules of streams and tables', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await expect(
      engine.execute(
        "CREATE STREAM S (ID INT PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
      ),
    ).rejects.toThrow("Column `ID` is a 'PRIMARY KEY' column: please use 'KEY' for streams.");
    await expect(
      engine.execute("CREATE TABLE T (ID INT KEY, V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"),
    ).rejects.toThrow("Column `ID` is a 'KEY' column: please use 'PRIMARY KEY' for tables.");
    await expect(
      engine.execute("CREATE TABLE T (V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"),
    ).rejects.toThrow('Tables require a PRIMARY KEY. Please define the PRIMARY KEY.');
    await expect(
      engine.execute("CREATE STREAM S (ROWPARTITION INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"),
    ).rejects.toThrow("'ROWPARTITION' is a reserved column name. You cannot use it as a name for a column.");
  });

  it('needs a value format unless ksql.persistence.default.format.value is set', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    const err = await engine
      .execute("CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='t');")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KsqlError);
    expect((err as KsqlError).message).toContain(
      "Statement is missing the 'VALUE_FORMAT' property from the WITH clause",
    );
    expect((err as KsqlError).statementText).toContain('CREATE STREAM S');
    const withDefault = testEngine({
      topics: { t: 1 },
      properties: { 'ksql.persistence.default.format.value': 'JSON' },
    });
    const [r] = await withDefault.engine.execute("CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='t');");
    expect(r.kind === 'SourceCreated' && r.source.valueFormat).toBe('JSON');
  });

  it('refuses unknown formats and WITH properties', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await expect(
      engine.execute("CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='FOO');"),
    ).rejects.toThrow('Unknown format: FOO');
    await expect(
      engine.execute("CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', BANANA=1);"),
    ).rejects.toThrow('Invalid config variable(s) in the WITH clause: BANANA');
  });

  it('checks the TIMESTAMP column exists', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await expect(
      engine.execute("CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', TIMESTAMP='TS');"),
    ).rejects.toThrow("The TIMESTAMP column set in the WITH clause does not exist in the schema: 'TS'");
    const [r] = await engine.execute(
      "CREATE STREAM S (V INT, ts BIGINT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', TIMESTAMP='ts');",
    );
    expect(r.kind === 'SourceCreated' && r.source.timestampColumn).toBe('TS');
  });

  it('registers windowed sources with their window type', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    const [r] = await engine.execute(
      "CREATE TABLE W (K STRING PRIMARY KEY, C BIGINT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='30 seconds');",
    );
    expect(r.kind === 'SourceCreated' && r.source.windowType).toBe('TUMBLING');
    await expect(
      engine.execute(
        "CREATE TABLE W2 (K STRING PRIMARY KEY, C BIGINT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', WINDOW_TYPE='SESSION', WINDOW_SIZE='30 seconds');",
      ),
    ).rejects.toThrow("'WINDOW_SIZE' should not be set for SESSION windows.");
    await expect(
      engine.execute(
        "CREATE TABLE W3 (K STRING PRIMARY KEY, C BIGINT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', WINDOW_TYPE='HOPPING', WINDOW_SIZE='30 bobs');",
      ),
    ).rejects.toThrow(
      "Configuration WINDOW_SIZE is invalid: Invalid duration: '30 bobs'. Unknown time unit: 'BOBS'",
    );
  });
});

describe('DROP, SHOW, DESCRIBE', () => {
  it('drops a source, optionally with its topic; IF EXISTS tolerates a missing one', async () => {
    const { engine, topics } = testEngine({ topics: { t: 1 } });
    await engine.execute("CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');");
    const [r] = await engine.execute('DROP STREAM S DELETE TOPIC;');
    expect(r).toMatchObject({
      kind: 'SourceDropped',
      name: 'S',
      message: 'Source S (topic: t) was dropped.',
    });
    expect(topics.topics.has('t')).toBe(false);
    await expect(engine.execute('DROP STREAM S;')).rejects.toThrow('Stream S does not exist.');
    const [again] = await engine.execute('DROP STREAM IF EXISTS S;');
    expect(again.kind).toBe('SourceDropped');
  });

  it('refuses DROP TABLE of a stream', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await engine.execute("CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');");
    await expect(engine.execute('DROP TABLE S;')).rejects.toThrow(
      'Incompatible data source type is stream, but statement was DROP TABLE',
    );
  });

  it('lists streams, tables and topics, and describes a source', async () => {
    const { engine } = testEngine({ topics: { a: 1, b: 2 } });
    await engine.execute(`
      CREATE STREAM S1 (V INT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON');
      CREATE TABLE T1 (K STRING PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='b', VALUE_FORMAT='JSON');
    `);
    const [streams, tables, topicList, described] = await engine.execute(
      'SHOW STREAMS; LIST TABLES; SHOW TOPICS; DESCRIBE T1;',
    );
    expect(streams.kind === 'Streams' && streams.sources.map((s) => s.name)).toEqual(['S1']);
    expect(tables.kind === 'Tables' && tables.sources.map((s) => s.name)).toEqual(['T1']);
    expect(topicList.kind === 'Topics' && topicList.topics).toEqual([
      { name: 'a', partitions: 1 },
      { name: 'b', partitions: 2 },
    ]);
    expect(described.kind === 'SourceDescription' && described.source.columns.map((c) => c.name)).toEqual([
      'K',
      'V',
    ]);
    await expect(engine.execute('DESCRIBE NOPE;')).rejects.toThrow(
      "Could not find STREAM/TABLE 'NOPE' in the Metastore",
    );
    const [all] = await engine.execute('DESCRIBE STREAMS;');
    expect(all.kind === 'Streams' && all.sources.map((s) => s.name)).toEqual(['S1']);
  });
});

describe('read-only sources', () => {
  it('CREATE SOURCE TABLE runs a materializing query that takes a query number', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await engine.execute(`
      CREATE SOURCE TABLE INPUT (K INT PRIMARY KEY, TEXT STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='DELIMITED');
      CREATE TABLE OUTPUT AS SELECT * FROM INPUT;`);
    expect(engine.queries().map((q) => q.id)).toEqual(['CST_INPUT_0', 'CTAS_OUTPUT_1']);
    const cst = engine.query('CST_INPUT_0');
    expect(cst?.topology.internalTopics(cst.applicationId).map((t) => t.name)).toEqual([
      '_confluent-ksql-default_query_CST_INPUT_0-KsqlTopic-Reduce-changelog',
    ]);
    await expect(engine.execute('DROP TABLE INPUT DELETE TOPIC;')).rejects.toThrow(
      'Cannot delete topic for read-only source: INPUT',
    );
    await expect(
      engine.execute(
        "CREATE OR REPLACE SOURCE TABLE INPUT (K INT PRIMARY KEY, TEXT STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='DELIMITED');",
      ),
    ).rejects.toThrow("Cannot add table 'INPUT': CREATE OR REPLACE is not supported on source tables.");
    await engine.execute('DROP TABLE OUTPUT; DROP TABLE INPUT;');
    expect(engine.queries()).toEqual([]);
  });
});
