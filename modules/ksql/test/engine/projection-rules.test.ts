import { describe, expect, it } from 'vitest';
import { createdQuery, driverFor, intKey, json, output, parseJson, testEngine } from './helpers.js';

describe("ksqlDB's projection and WHERE rules", () => {
  it('names struct fields F, F_1, F_2 when the name is taken', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    await engine.execute(`
      CREATE STREAM S (K STRING KEY, B INT, A STRUCT<B INT>, C STRUCT<B INT>) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
      CREATE STREAM OUT AS SELECT K, B, A->B, C->B FROM S;`);
    expect(engine.source('OUT')?.schema.value.map((c) => c.name)).toEqual(['B', 'B_1', 'B_2']);
  });

  it('reads strings compared with ROWTIME as timestamps (partial, with zones)', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    const q = createdQuery(
      await engine.execute(`
        CREATE STREAM S (K INT KEY, V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
        CREATE STREAM OUT AS SELECT K, V FROM S WHERE ROWTIME >= '2018-01-01T01:00:00+0100' AND ROWTIME < '2019';`),
    );
    const driver = driverFor(q);
    const input = driver.createInputTopic<Buffer, Buffer>('t');
    input.pipeInput(intKey(1), json({ V: 1 }), 1_514_764_799_999);
    input.pipeInput(intKey(2), json({ V: 2 }), 1_514_764_800_000);
    input.pipeInput(intKey(3), json({ V: 3 }), 1_546_300_800_000);
    expect(output(driver, 'OUT').map((r) => parseJson(r.value))).toEqual([{ V: 2 }]);
    driver.close();
  });

  it('checks a sink against the schema its VALUE_SCHEMA_ID names', async () => {
    const { engine, schemaRegistry } = testEngine({ topics: { input: 1 } });
    const schema = (fields: unknown[]) => ({
      schemaType: 'AVRO' as const,
      schema: JSON.stringify({ name: 'blah', type: 'record', fields }),
    });
    const reordered = await schemaRegistry.register(
      'OTHER-value',
      schema([
        { name: 'c2', type: 'double' },
        { name: 'c1', type: 'int' },
      ]),
    );
    const extended = await schemaRegistry.register(
      'OTHER2-value',
      schema([
        { name: 'c1', type: 'int' },
        { name: 'c2', type: ['null', 'int'], default: null },
      ]),
    );
    await engine.execute(
      "CREATE STREAM INPUT (`id` INT KEY, `c1` INT) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='AVRO');",
    );
    await expect(
      engine.execute(`CREATE STREAM OUTPUT WITH (VALUE_SCHEMA_ID=${reordered}) AS SELECT * FROM INPUT;`),
    ).rejects.toThrow(
      'The following value columns are changed, missing or reordered: [`c1` INTEGER]. Schema from schema registry is [`c2` DOUBLE, `c1` INTEGER]',
    );
    await expect(
      engine.execute(`CREATE STREAM OUTPUT WITH (VALUE_SCHEMA_ID=${extended}) AS SELECT * FROM INPUT;`),
    ).resolves.toHaveLength(1);
    await expect(
      engine.execute(
        "CREATE STREAM K WITH (KAFKA_TOPIC='input', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO', KEY_SCHEMA_ID=1);",
      ),
    ).rejects.toThrow(
      'KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. Current format is KAFKA.',
    );
  });
});

describe('joins through the engine', () => {
  it("names join columns by ksqlDB's rules: * as <ALIAS>_<COL>, clashing names qualified, the key once", async () => {
    const { engine } = testEngine({ topics: { l: 1, r: 1 } });
    await engine.execute(`
      CREATE STREAM L (A INT KEY, B INT, X STRING) WITH (KAFKA_TOPIC='l', VALUE_FORMAT='JSON');
      CREATE TABLE R (A INT PRIMARY KEY, B INT, Y STRING) WITH (KAFKA_TOPIC='r', VALUE_FORMAT='JSON');
      CREATE STREAM STAR AS SELECT * FROM L JOIN R ON L.A = R.A;
      CREATE STREAM PICK AS SELECT L.A, L.B, R.B, X, Y FROM L JOIN R ON L.A = R.A;`);
    const names = (n: string) =>
      engine
        .source(n)
        ?.schema.columns()
        .map((c) => `${c.name}${c.namespace === 'KEY' ? '*' : ''}`);
    expect(names('STAR')).toEqual(['L_A*', 'L_B', 'L_X', 'R_A', 'R_B', 'R_Y']);
    expect(names('PICK')).toEqual(['L_A*', 'L_B', 'R_B', 'X', 'Y']);
    await expect(
      engine.execute('CREATE STREAM BAD AS SELECT L.B, R.B FROM L JOIN R ON L.A = R.A;'),
    ).rejects.toThrow(
      'The query used to build `BAD` must include the join expressions L.A or R.A in its projection (eg, SELECT L.A...).',
    );
    await expect(
      engine.execute('CREATE STREAM SELF AS SELECT * FROM L L1 JOIN L L2 WITHIN 1 HOUR ON L1.A = L2.A;'),
    ).rejects.toThrow("Can not join 'L' to 'L': self joins are not yet supported.");
  });
});

describe('references and keys refused as ksqlDB does', () => {
  it('refuses unknown qualifiers and MAP join keys', async () => {
    const { engine } = testEngine({ topics: { l: 1, r: 1 } });
    await engine.execute(`
      CREATE STREAM L (ID INT KEY, M MAP<STRING, INT>, V INT) WITH (KAFKA_TOPIC='l', FORMAT='JSON');
      CREATE STREAM R (ID INT KEY, M MAP<STRING, INT>, W INT) WITH (KAFKA_TOPIC='r', FORMAT='JSON');`);
    await expect(engine.execute('CREATE STREAM O1 AS SELECT X.V, ID FROM L;')).rejects.toThrow(
      "'X' is not a valid stream/table name or alias.",
    );
    await expect(
      engine.execute('CREATE STREAM O2 AS SELECT L.M, V, W FROM L JOIN R WITHIN 1 SECOND ON L.M = R.M;'),
    ).rejects.toThrow('Map keys, including types that contain maps, are not supported');
  });
});
