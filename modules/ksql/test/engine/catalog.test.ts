import { describe, expect, it } from 'vitest';
import { testEngine } from './helpers.js';

describe('functions, types, ALTER', () => {
  it('lists and describes functions', async () => {
    const { engine } = testEngine();
    const [list, described] = await engine.execute('SHOW FUNCTIONS; DESCRIBE FUNCTION ucase;');
    expect(
      list.kind === 'Functions' && list.functions.some((f) => f.name === 'UCASE' && f.type === 'SCALAR'),
    ).toBe(true);
    expect(
      list.kind === 'Functions' && list.functions.some((f) => f.name === 'COUNT' && f.type === 'AGGREGATE'),
    ).toBe(true);
    expect(described.kind === 'FunctionDescription' && described.name).toBe('UCASE');
    await expect(engine.execute('DESCRIBE FUNCTION wont_find_me;')).rejects.toThrow(
      "Can't find any functions with the name 'WONT_FIND_ME'",
    );
  });

  it('registers custom types that later statements use, and drops them', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    const [created] = await engine.execute(
      "CREATE TYPE ADDRESS AS STRUCT<STREET STRING, NUM INT>; CREATE STREAM S (A ADDRESS) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
    );
    expect(created).toMatchObject({ kind: 'TypeCreated', name: 'ADDRESS' });
    expect(engine.source('S')?.schema.value[0].type).toEqual({
      base: 'STRUCT',
      fields: [
        { name: 'STREET', type: { base: 'STRING' } },
        { name: 'NUM', type: { base: 'INTEGER' } },
      ],
    });
    const [dropped] = await engine.execute('DROP TYPE ADDRESS;');
    expect(dropped).toMatchObject({ kind: 'TypeDropped', name: 'ADDRESS' });
    await expect(engine.execute('DROP TYPE ADDRESS;')).rejects.toThrow('Type ADDRESS does not exist.');
  });

  it('adds columns with ALTER, but not to read-only sources or CREATE … AS sinks', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await engine.execute(`
      CREATE STREAM S (ID INT KEY, A STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
      CREATE STREAM C AS SELECT * FROM S;
      CREATE SOURCE STREAM R (A STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');`);
    await engine.execute('ALTER STREAM S ADD COLUMN B INT;');
    expect(engine.source('S')?.schema.value.map((c) => c.name)).toEqual(['A', 'B']);
    await expect(engine.execute('ALTER STREAM S ADD COLUMN A INT;')).rejects.toThrow(
      'Cannot add column `A` to schema. A column with the same name already exists.',
    );
    await expect(engine.execute('ALTER STREAM C ADD COLUMN X INT;')).rejects.toThrow(
      'ALTER command is not supported for CREATE ... AS statements.',
    );
    await expect(engine.execute('ALTER STREAM R ADD COLUMN X INT;')).rejects.toThrow(
      "Cannot alter stream 'R': ALTER operations are not supported on source streams.",
    );
  });
});

describe('INSERT VALUES', () => {
  it('serializes keys and values with the target formats and coerces literals to the column types', async () => {
    const { engine, writer } = testEngine({ topics: { t: 1 } });
    await engine.execute(`
      CREATE TABLE T (ID STRING PRIMARY KEY, PRICE DECIMAL(5, 2), BIG BIGINT, TS TIMESTAMP) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
      INSERT INTO T (ID, PRICE, BIG, TS) VALUES ('a', 1.5, 3, '2020-01-01T00:00:00');
      INSERT INTO T (ROWTIME, ID) VALUES (77, 'b');`);
    const [a, b] = writer.take();
    expect(a.key?.toString()).toBe('a');
    expect(JSON.parse(a.value!.toString())).toEqual({ PRICE: 1.5, BIG: 3, TS: 1_577_836_800_000 });
    expect(a.timestamp).toBe(1_000);
    expect(b.timestamp).toBe(77);
    expect(JSON.parse(b.value!.toString())).toEqual({ PRICE: null, BIG: null, TS: null });
  });

  it('refuses unknown columns, wrong types and read-only targets', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await engine.execute(`
      CREATE STREAM S (ID INT KEY, V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
      CREATE SOURCE TABLE R (ID INT PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');`);
    await expect(engine.execute('INSERT INTO S (ID, NOPE) VALUES (1, 2);')).rejects.toThrow(
      'Column name NOPE does not exist.',
    );
    await expect(engine.execute("INSERT INTO S (ID, V) VALUES (1, 'x');")).rejects.toThrow(
      'Expected type INTEGER for field V',
    );
    await expect(engine.execute('INSERT INTO R (ID, V) VALUES (1, 2);')).rejects.toThrow(
      'Cannot insert values into read-only table: R',
    );
    await expect(engine.execute('INSERT INTO s (ID, V) VALUES (1, 2);')).resolves.toHaveLength(1);
    await expect(engine.execute('INSERT INTO "s" (ID, V) VALUES (1, 2);')).rejects.toThrow(
      'Cannot insert values into an unknown stream/table: `s`\nDid you mean S? Hint: try removing double quotes from the source name.',
    );
  });
});
