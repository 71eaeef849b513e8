import { describe, expect, it } from 'vitest';
import { createdQuery, driverFor, intKey, json, output, parseJson, pipe, testEngine } from './helpers.js';

const INPUT =
  "CREATE STREAM INPUT (ID INT KEY, NAME STRING, V BIGINT) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON');";

describe('CREATE STREAM AS SELECT', () => {
  it('filters and projects rows, keeping the key, into a topic named after the sink', async () => {
    const { engine, writer, topics } = testEngine({ topics: { input: 4 } });
    const results = await engine.execute(`${INPUT}
      CREATE STREAM OUT AS SELECT ID, UCASE(NAME) AS UPPER, V * 2 AS DOUBLED FROM INPUT WHERE V > 10;`);
    const query = createdQuery(results);
    expect(query.id).toBe('CSAS_OUT_0');
    expect(query.applicationId).toBe('_confluent-ksql-default_query_CSAS_OUT_0');
    expect(query.sinkTopic).toBe('OUT');
    expect(topics.topics.get('OUT')?.partitions).toBe(4);
    expect(
      engine
        .source('OUT')
        ?.schema.columns()
        .map((c) => `${c.name} ${c.type.base} ${c.namespace}`),
    ).toEqual(['ID INTEGER KEY', 'UPPER STRING VALUE', 'DOUBLED BIGINT VALUE']);

    await engine.execute(`
      INSERT INTO INPUT (ID, NAME, V) VALUES (1, 'a', 5);
      INSERT INTO INPUT (ID, NAME, V) VALUES (2, 'b', 20);`);
    const driver = driverFor(query);
    pipe(driver, writer.take());
    const out = output(driver, 'OUT');
    expect(out.map((r) => [r.key, parseJson(r.value)])).toEqual([[intKey(2), { UPPER: 'B', DOUBLED: 40 }]]);
    driver.close();
  });

  it('passes null rows through a projection and drops them in a filter', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    const results = await engine.execute(`${INPUT}
      CREATE STREAM P AS SELECT ID, NAME FROM INPUT;
      CREATE STREAM F AS SELECT * FROM INPUT WHERE NAME IS NOT NULL;`);
    const [p, f] = engine.queries();
    expect(results.length).toBe(3);
    for (const [q, expected] of [
      [p, [null, { NAME: 'x' }]],
      [f, [{ NAME: 'x', V: null }]],
    ] as const) {
      const driver = driverFor(q);
      const input = driver.createInputTopic<Buffer, Buffer>('input');
      input.pipeInput(intKey(1), null, 1);
      input.pipeInput(intKey(2), json({ NAME: 'x' }), 2);
      expect(output(driver, q.sinkTopic).map((r) => parseJson(r.value))).toEqual(expected);
      driver.close();
    }
  });

  it('numbers query ids with one counter per engine, INSERT INTO included', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    await engine.execute(`${INPUT}
      CREATE STREAM A AS SELECT * FROM INPUT;
      CREATE STREAM B AS SELECT * FROM INPUT;
      INSERT INTO A SELECT * FROM B;`);
    expect(engine.queries().map((q) => q.id)).toEqual(['CSAS_A_0', 'CSAS_B_1', 'INSERTQUERY_2']);
    const withService = testEngine({ topics: { input: 1 }, serviceId: 'some.ksql.service.id' });
    const q = createdQuery(
      await withService.engine.execute(`${INPUT} CREATE STREAM A AS SELECT * FROM INPUT;`),
    );
    expect(q.applicationId).toBe('_confluent-ksql-some.ksql.service.idquery_CSAS_A_0');
  });

  it('requires the key column in the projection', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    await engine.execute(INPUT);
    await expect(engine.execute('CREATE STREAM OUTPUT AS SELECT NAME FROM INPUT;')).rejects.toThrow(
      'The query used to build `OUTPUT` must include the key column ID in its projection (eg, SELECT ID...).',
    );
    await expect(
      engine.execute('CREATE STREAM OUTPUT AS SELECT ID, ID AS ID2, NAME FROM INPUT;'),
    ).rejects.toThrow('The projection contains a key column (`ID`) more than once, aliased as: ID and ID2.');
    await expect(engine.execute('CREATE STREAM OUTPUT AS SELECT ID, ROWTIME FROM INPUT;')).rejects.toThrow(
      'Reserved column name in select: `ROWTIME`. Please remove or alias the column.',
    );
    await expect(engine.execute('CREATE STREAM OUTPUT AS SELECT ID, BOB FROM INPUT;')).rejects.toThrow(
      "SELECT column 'BOB' cannot be resolved.",
    );
  });

  it('names generated columns KSQL_COL_<n> and exposes pseudo-columns to expressions', async () => {
    const { engine, writer } = testEngine({ topics: { input: 1 } });
    const q = createdQuery(
      await engine.execute(
        `${INPUT} CREATE STREAM OUT AS SELECT ID, V + 1, ROWTIME AS TS, ROWPARTITION AS P FROM INPUT;`,
      ),
    );
    expect(engine.source('OUT')?.schema.value.map((c) => c.name)).toEqual(['KSQL_COL_0', 'TS', 'P']);
    await engine.execute("INSERT INTO INPUT (ROWTIME, ID, NAME, V) VALUES (12345, 7, 'n', 1);");
    const driver = driverFor(q);
    pipe(driver, writer.take());
    const [r] = output(driver, 'OUT');
    expect(parseJson(r.value)).toEqual({ KSQL_COL_0: 2, TS: 12345, P: 0 });
    expect(r.timestamp).toBe(12345);
    driver.close();
  });
});

describe('PARTITION BY', () => {
  it('SELECT * names an expression key KSQL_COL_<n> and keys a null row from the record key', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    const q = createdQuery(
      await engine.execute(`
        CREATE STREAM J (ID INT KEY, NAME STRING, V BIGINT) WITH (KAFKA_TOPIC='input', FORMAT='JSON');
        CREATE STREAM OUT AS SELECT * FROM J PARTITION BY ID + 1, NAME;`),
    );
    expect(engine.source('OUT')?.schema.key.map((c) => c.name)).toEqual(['KSQL_COL_0', 'NAME']);
    expect(engine.source('OUT')?.schema.value.map((c) => c.name)).toEqual(['V', 'ID']);
    const driver = driverFor(q);
    const input = driver.createInputTopic<Buffer, Buffer>('input');
    input.pipeInput(json(4), json({ NAME: 'n', V: 1 }), 1);
    input.pipeInput(json(4), null, 2);
    expect(output(driver, 'OUT').map((r) => [parseJson(r.key), parseJson(r.value)])).toEqual([
      [
        { KSQL_COL_0: 5, NAME: 'n' },
        { V: 1, ID: 4 },
      ],
      [{ KSQL_COL_0: 5, NAME: null }, null],
    ]);
    driver.close();
  });

  it('re-keys by a value column; the old key becomes the last value column', async () => {
    const { engine, writer } = testEngine({ topics: { input: 1 } });
    const q = createdQuery(
      await engine.execute(`${INPUT} CREATE STREAM OUT AS SELECT * FROM INPUT PARTITION BY NAME;`),
    );
    expect(engine.source('OUT')?.schema.key.map((c) => c.name)).toEqual(['NAME']);
    expect(engine.source('OUT')?.schema.value.map((c) => c.name)).toEqual(['V', 'ID']);
    expect(q.topology.internalTopics(q.applicationId)).toEqual([]);
    await engine.execute("INSERT INTO INPUT (ID, NAME, V) VALUES (3, 'k', 9);");
    const driver = driverFor(q);
    pipe(driver, writer.take());
    const [r] = output(driver, 'OUT');
    expect(r.key?.toString()).toBe('k');
    expect(parseJson(r.value)).toEqual({ V: 9, ID: 3 });
    driver.close();
  });

  it('requires a partitioning expression in the projection, and PARTITION BY NULL drops the key', async () => {
    const { engine, writer } = testEngine({ topics: { input: 1 } });
    await engine.execute(INPUT);
    await expect(
      engine.execute('CREATE STREAM OUT AS SELECT ID, NAME FROM INPUT PARTITION BY ABS(V);'),
    ).rejects.toThrow(
      'The query used to build `OUT` must include the partitioning expression ABS(INPUT.V) in its projection (eg, SELECT ABS(INPUT.V)...).',
    );
    const q = createdQuery(await engine.execute('CREATE STREAM N AS SELECT * FROM INPUT PARTITION BY NULL;'));
    expect(engine.source('N')?.keyFormat.name).toBe('NONE');
    expect(engine.source('N')?.schema.key).toEqual([]);
    await engine.execute("INSERT INTO INPUT (ID, NAME, V) VALUES (3, 'k', 9);");
    const driver = driverFor(q);
    pipe(driver, writer.take());
    const [r] = output(driver, 'N');
    expect(r.key).toBeNull();
    expect(parseJson(r.value)).toEqual({ NAME: 'k', V: 9, ID: 3 });
    driver.close();
  });
});

describe('INSERT INTO', () => {
  it('refuses a result whose schema differs from the target', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    await engine.execute(`${INPUT} CREATE STREAM OUT AS SELECT ID, NAME FROM INPUT;`);
    await expect(engine.execute('INSERT INTO OUT SELECT ID, V FROM INPUT;')).rejects.toThrow(
      'Incompatible schema between results and sink.\nResult schema is `ID` INTEGER KEY, `V` BIGINT\nSink schema is `ID` INTEGER KEY, `NAME` STRING',
    );
  });

  it('writes into the target topic with the target formats', async () => {
    const { engine, writer } = testEngine({ topics: { input: 1, other: 1 } });
    const results = await engine.execute(`${INPUT}
      CREATE STREAM OTHER (ID INT KEY, NAME STRING) WITH (KAFKA_TOPIC='other', VALUE_FORMAT='JSON');
      CREATE STREAM OUT AS SELECT ID, NAME FROM INPUT;
      INSERT INTO OUT SELECT * FROM OTHER;
      INSERT INTO OTHER (ID, NAME) VALUES (5, 'five');`);
    const insert = results.find((r) => r.kind === 'QueryCreated' && r.query.id.startsWith('INSERTQUERY'));
    expect(insert?.kind).toBe('QueryCreated');
    if (insert?.kind !== 'QueryCreated') return;
    const driver = driverFor(insert.query);
    pipe(driver, writer.take());
    expect(output(driver, 'OUT').map((r) => [r.key, parseJson(r.value)])).toEqual([
      [intKey(5), { NAME: 'five' }],
    ]);
    driver.close();
  });

  it('refuses tables as INSERT INTO targets', async () => {
    const { engine } = testEngine({ topics: { t: 1, input: 1 } });
    await engine.execute(
      `${INPUT} CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');`,
    );
    await expect(engine.execute('INSERT INTO T SELECT ID, NAME FROM INPUT;')).rejects.toThrow(
      'INSERT INTO can only be used to insert into a stream. T is a table.',
    );
  });
});

describe('CREATE TABLE AS SELECT', () => {
  it('materializes a source table in KsqlTopic-Reduce and forwards updates and deletes', async () => {
    const { engine, writer } = testEngine({ topics: { t: 2 } });
    const q = createdQuery(
      await engine.execute(`
        CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
        CREATE TABLE T2 AS SELECT ID, NAME, ROWOFFSET AS OFF FROM T;`),
    );
    expect(q.id).toBe('CTAS_T2_0');
    expect(q.topology.internalTopics(q.applicationId).map((t) => t.name)).toEqual([
      '_confluent-ksql-default_query_CTAS_T2_0-KsqlTopic-Reduce-changelog',
    ]);
    await engine.execute(
      "INSERT INTO T (ID, NAME) VALUES (1, 'one'); INSERT INTO T (ID, NAME) VALUES (1, 'uno');",
    );
    const driver = driverFor(q);
    pipe(driver, writer.take());
    driver.createInputTopic<Buffer, Buffer>('t').pipeInput(intKey(1), null, 5);
    expect(output(driver, 'T2').map((r) => [r.key, parseJson(r.value)])).toEqual([
      [intKey(1), { NAME: 'one', OFF: 0 }],
      [intKey(1), { NAME: 'uno', OFF: 1 }],
      [intKey(1), null],
    ]);
    driver.close();
  });

  it('refuses CREATE STREAM AS SELECT from a table', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await engine.execute(
      "CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
    );
    await expect(engine.execute('CREATE STREAM S AS SELECT * FROM T;')).rejects.toThrow(
      'Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.',
    );
  });
});

describe('event time', () => {
  it('takes ROWTIME from the TIMESTAMP column and skips records whose time is invalid', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    const q = createdQuery(
      await engine.execute(`
        CREATE STREAM S (ID INT KEY, TS STRING) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON', TIMESTAMP='TS', TIMESTAMP_FORMAT='yyyy-MM-dd HH:mm:ss');
        CREATE STREAM OUT AS SELECT ID, ROWTIME AS RT FROM S;`),
    );
    const driver = driverFor(q);
    const input = driver.createInputTopic<Buffer, Buffer>('input');
    input.pipeInput(intKey(1), json({ TS: '2020-01-01 00:00:01' }), 7);
    input.pipeInput(intKey(2), json({ TS: 'not a time' }), 8);
    const out = output(driver, 'OUT');
    expect(out.map((r) => [r.timestamp, parseJson(r.value)])).toEqual([
      [1_577_836_801_000, { RT: 1_577_836_801_000 }],
    ]);
    driver.close();
  });
});

describe('windowed and Avro sinks', () => {
  it('writes a windowed aggregation with Kafka Streams windowed keys', async () => {
    const { engine, writer } = testEngine({ topics: { input: 1 } });
    const q = createdQuery(
      await engine.execute(`${INPUT}
        CREATE TABLE COUNTS AS SELECT ID, COUNT(*) AS C FROM INPUT WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY ID;`),
    );
    expect(engine.source('COUNTS')?.window).toEqual({ type: 'TUMBLING', sizeMs: 10_000 });
    await engine.execute(`
      INSERT INTO INPUT (ROWTIME, ID, NAME, V) VALUES (12000, 7, 'a', 1);
      INSERT INTO INPUT (ROWTIME, ID, NAME, V) VALUES (15000, 7, 'b', 1);`);
    const driver = driverFor(q);
    pipe(driver, writer.take());
    const out = output(driver, 'COUNTS');
    const windowedKey = Buffer.concat([intKey(7), Buffer.from([0, 0, 0, 0, 0, 0, 0x27, 0x10])]);
    expect(out.map((r) => [r.key, parseJson(r.value)])).toEqual([
      [windowedKey, { C: 1 }],
      [windowedKey, { C: 2 }],
    ]);
    driver.close();
  });

  it('reads and writes Avro through the schema registry', async () => {
    const { engine, writer, schemaRegistry } = testEngine({ topics: { avro_in: 1 } });
    const q = createdQuery(
      await engine.execute(`
        CREATE STREAM A (ID INT KEY, NAME STRING, AMOUNT DOUBLE) WITH (KAFKA_TOPIC='avro_in', VALUE_FORMAT='AVRO');
        CREATE STREAM B WITH (VALUE_FORMAT='JSON') AS SELECT ID, NAME, AMOUNT * 2 AS TWICE FROM A WHERE AMOUNT > 1;`),
    );
    await engine.execute(`
      INSERT INTO A (ID, NAME, AMOUNT) VALUES (1, 'small', 0.5);
      INSERT INTO A (ID, NAME, AMOUNT) VALUES (2, 'big', 2.5);`);
    expect(await schemaRegistry.latest('avro_in-value')).toBeDefined();
    const records = writer.take();
    expect(records[0].value?.[0]).toBe(0); // Confluent wire format: magic byte, then the schema id
    const driver = driverFor(q);
    for (const r of records) await q.prefetch?.(r.topic, 'value', [r.value]);
    pipe(driver, records);
    expect(output(driver, 'B').map((r) => [r.key, parseJson(r.value)])).toEqual([
      [intKey(2), { NAME: 'big', TWICE: 5 }],
    ]);
    driver.close();
  });
});
