import { describe, expect, it } from 'vitest';
import { TopologyTestDriver } from '@meterstream/streams';
import type { TransientQueryPlan } from '../../src/engine/transient-query.js';
import { createdQuery, intKey, json, testEngine } from './helpers.js';

const INPUT =
  "CREATE STREAM INPUT (ID INT KEY, NAME STRING) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON');";

describe('SET / UNSET', () => {
  it('records the streams properties in force on each query', async () => {
    const { engine } = testEngine({
      topics: { input: 1 },
      properties: { 'ksql.streams.commit.interval.ms': '100' },
    });
    await engine.execute(INPUT);
    const [set] = await engine.execute("SET 'auto.offset.reset'='earliest';");
    expect(set).toMatchObject({ kind: 'PropertySet', name: 'auto.offset.reset', value: 'earliest' });
    const a = createdQuery(await engine.execute('CREATE STREAM A AS SELECT * FROM INPUT;'));
    expect(a.properties).toMatchObject({ 'auto.offset.reset': 'earliest', 'commit.interval.ms': '100' });
    await engine.execute("UNSET 'auto.offset.reset';");
    const b = createdQuery(
      await engine.execute('CREATE STREAM B AS SELECT * FROM INPUT;', {
        properties: { 'cache.max.bytes.buffering': '0' },
      }),
    );
    expect(b.properties['auto.offset.reset']).toBe('latest');
    expect(b.properties['cache.max.bytes.buffering']).toBe('0');
    const [props] = await engine.execute('SHOW PROPERTIES;');
    expect(props.kind === 'Properties' && props.properties['ksql.streams.commit.interval.ms']).toBe('100');
  });
});

describe('DEFINE / UNDEFINE', () => {
  it('substitutes variables in later statements of the same request and of the session', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    await engine.execute(
      `DEFINE tname = 'input'; CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='\${tname}', VALUE_FORMAT='JSON');`,
    );
    expect(engine.source('S')?.topic).toBe('input');
    await engine.execute(`CREATE STREAM S2 (V INT) WITH (KAFKA_TOPIC='\${tname}', VALUE_FORMAT='JSON');`);
    expect(engine.source('S2')?.topic).toBe('input');
    await engine.execute(`CREATE STREAM S3 (V INT) WITH (KAFKA_TOPIC='\${t}', VALUE_FORMAT='JSON');`, {
      variables: { t: 'input' },
    });
    expect(engine.source('S3')?.topic).toBe('input');
  });
});

describe('TERMINATE, DROP with queries, EXPLAIN, SHOW QUERIES', () => {
  it('refuses to drop a source other sources are built from, and one written by INSERT INTO', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    await engine.execute(`${INPUT}
      CREATE STREAM A AS SELECT * FROM INPUT;
      CREATE STREAM B AS SELECT * FROM INPUT;
      INSERT INTO A SELECT * FROM B;`);
    await expect(engine.execute('DROP STREAM INPUT;')).rejects.toThrow(
      'Cannot drop INPUT.\nThe following streams and/or tables read from this source: [A, B].\nYou need to drop them before dropping INPUT.',
    );
    await expect(engine.execute('DROP STREAM A;')).rejects.toThrow(
      'Cannot drop A.\nThe following queries read from this source: [].\nThe following queries write into this source: [INSERTQUERY_2].\nYou need to terminate them before dropping A.',
    );
    const [t] = await engine.execute('TERMINATE INSERTQUERY_2;');
    expect(t).toMatchObject({ kind: 'QueryTerminated', queryIds: ['INSERTQUERY_2'] });
    await engine.execute('DROP STREAM A;');
    expect(engine.queries().map((q) => q.id)).toEqual(['CSAS_B_1']);
    await expect(engine.execute('TERMINATE NOPE_9;')).rejects.toThrow('Unknown queryId: NOPE_9');
  });

  it('TERMINATE ALL stops every query and tells listeners', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    const terminated: string[] = [];
    engine.addListener({ queryTerminated: (id) => terminated.push(id) });
    await engine.execute(
      `${INPUT} CREATE STREAM A AS SELECT * FROM INPUT; CREATE STREAM B AS SELECT * FROM INPUT;`,
    );
    const [show] = await engine.execute('SHOW QUERIES;');
    expect(show.kind === 'Queries' && show.queries.map((q) => q.id)).toEqual(['CSAS_A_0', 'CSAS_B_1']);
    await engine.execute('TERMINATE ALL;');
    expect(terminated).toEqual(['CSAS_A_0', 'CSAS_B_1']);
    expect(engine.queries()).toEqual([]);
  });

  it('EXPLAIN prints the topology of a running query or of a statement without running it', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    await engine.execute(`${INPUT} CREATE STREAM A AS SELECT * FROM INPUT WHERE ID > 1;`);
    const [byId] = await engine.execute('EXPLAIN CSAS_A_0;');
    expect(byId.kind).toBe('QueryDescription');
    if (byId.kind !== 'QueryDescription') return;
    expect(byId.queryId).toBe('CSAS_A_0');
    expect(byId.topology).toContain('Source: KSTREAM-SOURCE-0000000000 (topics: [input])');
    expect(byId.topology).toContain('Processor: WhereFilter');
    expect(byId.topology).toContain('Sink: KSTREAM-SINK');
    const [byStatement] = await engine.execute('EXPLAIN CREATE STREAM B AS SELECT * FROM INPUT;');
    expect(byStatement.kind === 'QueryDescription' && byStatement.topology).toContain('Processor: Project');
    expect(engine.source('B')).toBeUndefined();
    expect(engine.queries().length).toBe(1);
  });
});

describe('push queries', () => {
  it('plans SELECT … EMIT CHANGES into a topology whose rows the host observes', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    await engine.execute(INPUT);
    const [r] = await engine.execute(
      'SELECT ID, UCASE(NAME) AS N FROM INPUT WHERE ID > 1 EMIT CHANGES LIMIT 5;',
    );
    expect(r.kind).toBe('TransientQuery');
    if (r.kind !== 'TransientQuery') return;
    const plan = r.query as TransientQueryPlan;
    expect(plan.limit).toBe(5);
    expect(plan.schema.value.map((c) => c.name)).toEqual(['N']);
    const rows: unknown[] = [];
    plan.rows.subscribe((row) => rows.push(row.value));
    const driver = new TopologyTestDriver(plan.topology, {
      applicationId: plan.applicationId,
      initialWallClockTimeMs: 0,
    });
    const input = driver.createInputTopic<Buffer, Buffer>('input');
    input.pipeInput(intKey(1), json({ NAME: 'a' }), 1);
    input.pipeInput(intKey(2), json({ NAME: 'b' }), 2);
    driver.close();
    expect(rows).toEqual([['B']]);
    // Without EMIT, on a stream: the same kind of plan, marked as a bounded scan of the topic.
    const [scan] = await engine.execute('SELECT * FROM INPUT;');
    expect(scan.kind === 'TransientQuery' && (scan.query as TransientQueryPlan).streamScan).toEqual({
      topic: 'input',
    });
  });
});
