import { describe, expect, it } from 'vitest';
import type { StatementResult } from '../../src/engine/engine-api.js';
import { testEngine } from './helpers.js';

function typesOf(results: readonly StatementResult[]) {
  const last = results[results.length - 1];
  if (last?.kind !== 'Types') throw new Error(`expected Types, got ${last?.kind}`);
  return last.types;
}

describe('SHOW TYPES / CREATE TYPE / DROP TYPE', () => {
  it('lists no types before any is created', async () => {
    const { engine } = testEngine({ topics: {} });
    expect(typesOf(await engine.execute('SHOW TYPES;'))).toEqual([]);
  });

  it('lists the registered types by name with their SQL types; LIST TYPES is the same', async () => {
    const { engine } = testEngine({ topics: {} });
    await engine.execute(`
      CREATE TYPE POINT AS STRUCT<X DOUBLE, Y DOUBLE>;
      CREATE TYPE ADDRESS AS STRUCT<STREET STRING, NUM INT, TAGS ARRAY<STRING>>;
      CREATE TYPE LOCATED AS STRUCT<POS POINT, LABEL STRING>;`);
    const types = typesOf(await engine.execute('SHOW TYPES;'));
    expect(types.map((t) => t.name)).toEqual(['ADDRESS', 'LOCATED', 'POINT']);
    expect(types[0]?.type).toEqual({
      base: 'STRUCT',
      fields: [
        { name: 'STREET', type: { base: 'STRING' } },
        { name: 'NUM', type: { base: 'INTEGER' } },
        { name: 'TAGS', type: { base: 'ARRAY', element: { base: 'STRING' } } },
      ],
    });
    // a type used inside another is stored resolved
    expect(types[1]?.type).toMatchObject({
      fields: [{ name: 'POS', type: types[2]?.type }, { name: 'LABEL' }],
    });
    expect(typesOf(await engine.execute('LIST TYPES;'))).toEqual(types);
  });

  it('a dropped type leaves the list; DROP TYPE IF EXISTS of a missing type is no error', async () => {
    const { engine } = testEngine({ topics: {} });
    await engine.execute('CREATE TYPE A AS STRUCT<V INT>; CREATE TYPE B AS STRUCT<V STRING>;');
    await engine.execute('DROP TYPE A;');
    expect(typesOf(await engine.execute('SHOW TYPES;')).map((t) => t.name)).toEqual(['B']);
    const [dropped] = await engine.execute('DROP TYPE IF EXISTS A;');
    expect(dropped).toMatchObject({ kind: 'TypeDropped', name: 'A' });
    await expect(engine.execute('DROP TYPE A;')).rejects.toThrow('Type A does not exist.');
  });

  it('types created in a script serve the CREATE STREAM after them and SHOW TYPES at its end', async () => {
    const { engine } = testEngine({ topics: { t: 1 } });
    const results = await engine.execute(
      "CREATE TYPE ADDR AS STRUCT<CITY STRING>; CREATE STREAM S (ID INT KEY, HOME ADDR) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON'); SHOW TYPES;",
    );
    expect(results.map((r) => r.kind)).toEqual(['TypeCreated', 'SourceCreated', 'Types']);
    expect(engine.source('S')?.schema.value[0]?.type).toEqual({
      base: 'STRUCT',
      fields: [{ name: 'CITY', type: { base: 'STRING' } }],
    });
    expect(typesOf(results).map((t) => t.name)).toEqual(['ADDR']);
  });
});
