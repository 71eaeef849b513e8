import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealServer } from './real-server.js';

type Entity = Record<string, unknown>;

const server = new RealServer();

beforeAll(async () => {
  await server.start();
  await server.admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: 'readings', numPartitions: 1 }],
  });
});

afterAll(async () => {
  await server.stop();
});

async function one(sql: string): Promise<Entity> {
  const [entity] = (await server.ksql(sql)) as Entity[];
  return entity as Entity;
}

describe('custom types over /ksql', () => {
  it('CREATE TYPE, SHOW TYPES (type_list), use in CREATE STREAM, DROP TYPE [IF EXISTS]', async () => {
    expect(await one('SHOW TYPES;')).toEqual({
      '@type': 'type_list',
      statementText: 'SHOW TYPES;',
      types: {},
      warnings: [],
    });
    const created = await one('CREATE TYPE ADDRESS AS STRUCT<STREET STRING, NUM INT, TAGS ARRAY<STRING>>;');
    expect(created).toMatchObject({ '@type': 'currentStatus', commandStatus: { status: 'SUCCESS' } });
    expect(created.commandId).toBe('type/ADDRESS/create');
    await one('CREATE TYPE POINT AS STRUCT<X DOUBLE>;');
    const list = await one('SHOW TYPES;');
    expect(list.types).toEqual({
      ADDRESS: {
        type: 'STRUCT',
        fields: [
          { name: 'STREET', schema: { type: 'STRING', fields: null, memberSchema: null } },
          { name: 'NUM', schema: { type: 'INTEGER', fields: null, memberSchema: null } },
          {
            name: 'TAGS',
            schema: {
              type: 'ARRAY',
              fields: null,
              memberSchema: { type: 'STRING', fields: null, memberSchema: null },
            },
          },
        ],
        memberSchema: null,
      },
      POINT: {
        type: 'STRUCT',
        fields: [{ name: 'X', schema: { type: 'DOUBLE', fields: null, memberSchema: null } }],
        memberSchema: null,
      },
    });
    await one(
      "CREATE STREAM HOMES (ID INT KEY, HOME ADDRESS) WITH (kafka_topic='readings', value_format='JSON');",
    );
    const described = (await one('DESCRIBE HOMES;')).sourceDescription as Entity;
    expect((described.fields as Entity[])[1]).toEqual({
      name: 'HOME',
      schema: list.types && (list.types as Entity).ADDRESS,
    });
    const dropped = await one('DROP TYPE POINT;');
    expect(dropped).toMatchObject({ '@type': 'currentStatus', commandStatus: { status: 'SUCCESS' } });
    expect(Object.keys((await one('SHOW TYPES;')).types as Entity)).toEqual(['ADDRESS']);
    await one('DROP TYPE IF EXISTS POINT;');
    const missing = await server.post('/ksql', { ksql: 'DROP TYPE POINT;', streamsProperties: {} });
    expect(missing.status).toBe(400);
    const error = JSON.parse(missing.text) as Entity;
    expect(error['@type']).toBe('statement_error');
    expect(error.message).toMatch(/^Type POINT does not exist\./);
    await one('DROP STREAM HOMES;');
  });
});

describe('EXPLAIN and DESCRIBE EXTENDED over /ksql', () => {
  it('describe the running query: statement, fields, sources, sinks, topic, topology, plan, state', async () => {
    await server.ksql(
      "CREATE STREAM R (ID STRING KEY, V DOUBLE) WITH (kafka_topic='readings', value_format='JSON');" +
        ' CREATE TABLE PER_ID AS SELECT ID, COUNT(*) AS N FROM R WHERE V > 0 GROUP BY ID;',
    );
    const queries = (await one('SHOW QUERIES;')).queries as Entity[];
    const queryId = queries.find((q) => (q.sinks as string[]).includes('PER_ID'))?.id as string;
    expect(queryId).toMatch(/^CTAS_PER_ID_\d+$/);

    const explained = await one(`EXPLAIN ${queryId};`);
    expect(explained['@type']).toBe('queryDescription');
    const d = explained.queryDescription as Entity;
    expect(d).toMatchObject({
      id: queryId,
      statementText: 'CREATE TABLE PER_ID AS SELECT ID, COUNT(*) AS N FROM R WHERE V > 0 GROUP BY ID;',
      sources: ['R'],
      sinks: ['PER_ID'],
      sinkKafkaTopics: ['PER_ID'],
      queryType: 'PERSISTENT',
      state: 'RUNNING',
      queryErrors: [],
    });
    expect(d.fields).toEqual([
      { name: 'ID', schema: { type: 'STRING', fields: null, memberSchema: null }, type: 'KEY' },
      { name: 'N', schema: { type: 'BIGINT', fields: null, memberSchema: null } },
    ]);
    expect(d.topology).toMatch(/^Topologies:\n/);
    expect(d.topology).toContain('(topics: [readings])');
    expect((d.executionPlan as string).split('\n')).toEqual([
      ` > [ SINK ] | Schema: ID STRING KEY, N BIGINT | Logger: ${queryId}.PER_ID`,
      `\t\t > [ AGGREGATE ] | Schema: ID STRING KEY, N BIGINT | Logger: ${queryId}.Aggregate.Aggregate`,
      `\t\t\t\t > [ SOURCE ] | Schema: ID STRING KEY, V DOUBLE | Logger: ${queryId}.KsqlTopic.Source`,
      '',
    ]);
    expect(d.consumerGroupId).toMatch(new RegExp(`query_${queryId}$`));

    const extended = (await one('DESCRIBE R EXTENDED;')).sourceDescription as Entity;
    expect(extended.readQueries).toEqual([
      expect.objectContaining({
        id: queryId,
        // as SHOW QUERIES lists it
        queryString: queries.find((q) => q.id === queryId)?.queryString,
        sinks: ['PER_ID'],
        sinkKafkaTopics: ['PER_ID'],
        state: 'RUNNING',
        queryType: 'PERSISTENT',
      }),
    ]);
    const sinkSide = (await one('DESCRIBE PER_ID EXTENDED;')).sourceDescription as Entity;
    expect(sinkSide.writeQueries).toEqual([
      expect.objectContaining({ id: queryId, sinks: ['PER_ID'], sinkKafkaTopics: ['PER_ID'] }),
    ]);
  });

  it('EXPLAIN of a statement plans it without running it: no id, no state', async () => {
    const d = (await one('EXPLAIN CREATE STREAM BIG AS SELECT ID, V * 2 AS V2 FROM R WHERE V > 10;'))
      .queryDescription as Entity;
    expect(d).toMatchObject({ id: '', sources: ['R'], sinks: ['BIG'], queryType: 'PERSISTENT' });
    expect(d.state).toBeUndefined();
    expect((d.fields as Entity[]).map((f) => f.name)).toEqual(['ID', 'V2']);
    expect(d.executionPlan).toContain('> [ PROJECT ] | Schema: ID STRING KEY, V2 DOUBLE');
    const queries = (await one('SHOW QUERIES;')).queries as Entity[];
    expect(queries.some((q) => (q.sinks as string[]).includes('BIG'))).toBe(false);
  });
});
