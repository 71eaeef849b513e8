import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { h1Request, json, KsqldbClient, type Started, startTestServer } from './rest-test-helpers.js';

const CREATE_S =
  "CREATE STREAM S (ID INT KEY, NAME STRING, AMOUNT DOUBLE) WITH (kafka_topic='s', partitions=2, value_format='JSON');";

describe('POST /ksql', () => {
  let t: Started;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => {
    await t.server.close();
  });

  const ksql = (body: unknown, headers: Record<string, string> = {}) =>
    h1Request(t.server, 'POST', '/ksql', typeof body === 'string' ? body : json(body), headers);

  it('answers CREATE with a currentStatus entity whose command status can be polled at /status', async () => {
    const res = await ksql(
      { ksql: CREATE_S, streamsProperties: {} },
      { accept: 'application/vnd.ksql.v1+json' },
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.ksql.v1+json');
    const [entity] = JSON.parse(res.text);
    expect(entity).toMatchObject({
      '@type': 'currentStatus',
      statementText: CREATE_S,
      commandId: 'stream/S/create',
      commandStatus: { status: 'SUCCESS' },
      commandSequenceNumber: 1,
      warnings: [],
    });
    const status = await h1Request(t.server, 'GET', '/status/stream/S/create');
    expect(status.status).toBe(200);
    expect(JSON.parse(status.text)).toEqual(entity.commandStatus);
  });

  it('lists, describes and explains through the ksqldb-client npm package (HTTP/2)', async () => {
    const client = new KsqldbClient({ host: '127.0.0.1', port: t.server.port });
    await client.connect();
    try {
      const created = await client.executeStatement(CREATE_S);
      expect(created.status).toBe(200);
      expect(created.error).toBeUndefined();
      const csas = await client.executeStatement('CREATE STREAM BIG AS SELECT * FROM S WHERE AMOUNT > 10;');
      expect(csas.status).toBe(200);
      const streams = await client.listStreams();
      expect(streams.map((s) => s.name).sort()).toEqual(['BIG', 'S']);
      expect(streams.find((s) => s.name === 'S')).toEqual({
        type: 'STREAM',
        name: 'S',
        topic: 's',
        keyFormat: 'KAFKA',
        valueFormat: 'JSON',
        isWindowed: false,
      });
      const queries = await client.listQueries();
      expect(queries).toHaveLength(1);
      expect(queries[0]).toMatchObject({
        sinks: ['BIG'],
        sinkKafkaTopics: ['BIG'],
        state: 'RUNNING',
        statusCount: { RUNNING: 1 },
        queryType: 'PERSISTENT',
      });
      expect(queries[0]?.id).toMatch(/^CSAS_BIG_/);
      const described = await client.describeSource('S');
      expect(described.name).toBe('S');
      expect(described.type).toBe('STREAM');
      expect(described.fields).toEqual([
        { name: 'ID', schema: { type: 'INTEGER', fields: null, memberSchema: null }, type: 'KEY' },
        { name: 'NAME', schema: { type: 'STRING', fields: null, memberSchema: null } },
        { name: 'AMOUNT', schema: { type: 'DOUBLE', fields: null, memberSchema: null } },
      ]);
      expect(described.readQueries?.map((q) => q.id)).toEqual([queries[0]?.id]);
      const topics = await client.listTopics();
      expect(topics.find((x) => x.name === 's')).toEqual({ name: 's', replicaInfo: [1, 1] });
      const tables = await client.listTables();
      expect(tables).toEqual([]);
    } finally {
      await client.disconnect();
    }
  });

  it('turns each listing statement into its ksqlDB entity', async () => {
    await ksql({ ksql: CREATE_S });
    const res = await ksql({
      ksql: "SET 'auto.offset.reset'='earliest'; SHOW PROPERTIES; SHOW FUNCTIONS; DESCRIBE FUNCTION UCASE; DESCRIBE S EXTENDED; CREATE TABLE T AS SELECT ID, COUNT(*) AS N FROM S GROUP BY ID; EXPLAIN CTAS_T_0; INSERT INTO S (ID, NAME, AMOUNT) VALUES (1, 'a', 2.5);",
    });
    expect(res.status).toBe(200);
    const entities = JSON.parse(res.text) as { '@type': string; [k: string]: unknown }[];
    // INSERT VALUES has no entity, as on ksqlDB.
    expect(entities.map((e) => e['@type'])).toEqual([
      'properties',
      'function_names',
      'describe_function',
      'sourceDescription',
      'currentStatus',
      'queryDescription',
    ]);
    for (const e of entities) expect(e.warnings).toEqual([]);
    // SET has no entity either; SHOW PROPERTIES after it sees the property.
    expect(entities[0]?.properties).toEqual([
      { name: 'auto.offset.reset', scope: 'STREAMS', value: 'earliest' },
    ]);
    expect(entities[1]?.functions).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'UCASE' })]),
    );
    expect(entities[2]).toMatchObject({ name: 'UCASE', statementText: 'DESCRIBE FUNCTION UCASE;' });
    expect(entities[3]?.sourceDescription).toMatchObject({
      name: 'S',
      extended: true,
      partitions: 2,
      topic: 's',
      valueFormat: 'JSON',
    });
    expect(entities[4]).toMatchObject({
      commandId: 'table/T/create',
      commandStatus: { status: 'SUCCESS', queryId: 'CTAS_T_0' },
    });
    expect(entities[5]?.queryDescription).toMatchObject({
      id: 'CTAS_T_0',
      topology: expect.stringContaining('Topologies'),
    });
    expect(t.service.writer.records).toHaveLength(1);
  });

  it('passes streamsProperties, sessionVariables and commandSequenceNumber to the service', async () => {
    const res = await ksql({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ksqlDB session variable reference
      ksql: "CREATE STREAM ${name} (A INT) WITH (kafka_topic='v', partitions=1, value_format='JSON');",
      streamsProperties: { 'auto.offset.reset': 'earliest' },
      sessionVariables: { name: 'VS' },
      commandSequenceNumber: 0,
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)[0].commandId).toBe('stream/VS/create');
    expect(t.service.requests.at(-1)?.request).toEqual({
      properties: { 'auto.offset.reset': 'earliest' },
      variables: { name: 'VS' },
      commandSequenceNumber: 0,
    });
  });

  it('answers a failing statement with statement_error 40001 naming it', async () => {
    await ksql({ ksql: CREATE_S });
    const res = await ksql({ ksql: 'DESCRIBE NOPE;' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({
      '@type': 'statement_error',
      error_code: 40001,
      message: "Could not find STREAM/TABLE 'NOPE' in the Metastore\nStatement: DESCRIBE NOPE",
      statementText: 'DESCRIBE NOPE;',
      entities: [],
    });
    const syntax = await ksql({ ksql: 'CREATE STREAM oops (;' });
    expect(syntax.status).toBe(400);
    expect(JSON.parse(syntax.text)).toMatchObject({ '@type': 'statement_error', error_code: 40001 });
  });

  it('refuses a SELECT with 40002, pointing to /query', async () => {
    await ksql({ ksql: CREATE_S });
    const res = await ksql({ ksql: 'SELECT * FROM S EMIT CHANGES;' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({
      '@type': 'statement_error',
      error_code: 40002,
      message: expect.stringContaining("'/query'"),
      statementText: 'SELECT * FROM S EMIT CHANGES;',
      entities: [],
    });
  });

  it('answers a ServiceError with its own code and status', async () => {
    const res = await ksql({ ksql: 'SHOW STREAMS;', commandSequenceNumber: 99 });
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toMatchObject({ '@type': 'generic_error', error_code: 50301 });
  });

  it('answers malformed JSON, a missing ksql field and a wrong Accept with ksqlDB errors', async () => {
    const bad = await ksql('{"ksql": "SHOW STREAMS;"');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({
      '@type': 'generic_error',
      error_code: 40000,
      message: expect.stringContaining('Invalid JSON'),
    });
    const missing = await ksql({ streamsProperties: {} });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).error_code).toBe(40000);
    const notAcceptable = await ksql({ ksql: 'SHOW STREAMS;' }, { accept: 'text/html' });
    expect(notAcceptable.status).toBe(406);
    const json = await ksql({ ksql: 'SHOW STREAMS;' }, { accept: 'application/json' });
    expect(json.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json.text)).toEqual([
      { '@type': 'streams', statementText: 'SHOW STREAMS;', streams: [], warnings: [] },
    ]);
  });

  it('answers unknown paths with a 404 JSON error and wrong methods with 405', async () => {
    const res = await h1Request(t.server, 'GET', '/nope');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toMatchObject({ '@type': 'generic_error', error_code: 40400 });
    const method = await h1Request(t.server, 'GET', '/ksql');
    expect(method.status).toBe(405);
    expect(JSON.parse(method.text).error_code).toBe(40500);
  });
});
