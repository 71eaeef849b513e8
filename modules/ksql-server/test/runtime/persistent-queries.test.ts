import { waitFor } from '@meterstream/test-support';
import type { PullQueryPlan } from '@meterstream/ksql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessingLogRecord } from '../../src/runtime/processing-log.js';
import { Cluster, createdQuery, eventually, SERVICE_ID, transientPlan, jsonValue } from './harness.js';

const cluster = new Cluster();
beforeAll(() => cluster.start());
afterAll(() => cluster.stop());

describe('KafkaQueryRuntime: persistent queries', () => {
  it('runs a CSAS filter; a bad record goes to the processing log and the query goes on', async () => {
    await cluster.createTopic('readings', 2);
    const engine = cluster.engine();
    await engine.execute(
      "CREATE STREAM READINGS (METER STRING KEY, WATTS DOUBLE) WITH (kafka_topic='readings', value_format='JSON');",
    );
    const query = createdQuery(
      await engine.execute(
        'CREATE STREAM HIGH AS SELECT METER, WATTS FROM READINGS WHERE WATTS > 100 EMIT CHANGES;',
      ),
    );
    const runtime = cluster.runtime({ properties: { 'ksql.logging.processing.rows.include': 'true' } });
    try {
      await runtime.start(query);
      expect(runtime.status(query.id)).toMatchObject({
        state: 'RUNNING',
        streamsState: 'RUNNING',
        errors: [],
      });

      await cluster.send('readings', [
        { key: 'm1', value: { WATTS: 50 }, partition: 0 },
        { key: 'm2', value: { WATTS: 150 }, partition: 1 },
        { key: 'm1', value: Buffer.from('{"WATTS": oops'), partition: 0 },
        { key: 'm1', value: { WATTS: 250 }, partition: 0 },
      ]);
      const out = await cluster.read(query.sinkTopic, 2);
      expect(
        out
          .map((m) => [m.key?.toString(), jsonValue(m)])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ).toEqual([
        ['m1', { WATTS: 250 }],
        ['m2', { WATTS: 150 }],
      ]);

      await runtime.flushProcessingLog();
      expect(runtime.processingLogTopic).toBe(`${SERVICE_ID}ksql_processing_log`);
      const [entry] = (await cluster.read(runtime.processingLogTopic, 1)).map(
        (m) => jsonValue(m) as ProcessingLogRecord,
      );
      expect(entry).toMatchObject({
        level: 'ERROR',
        logger: `processing.${query.id}.KsqlTopic.Deserializer`,
        message: {
          type: 0,
          deserializationError: { target: 'value', topic: 'readings' },
          recordProcessingError: null,
        },
      });
      expect(typeof entry?.time).toBe('number');
      expect(entry?.message.deserializationError.errorMessage).not.toBe('');
      expect(Buffer.from(entry?.message.deserializationError.recordB64 ?? '', 'base64').toString()).toBe(
        '{"WATTS": oops',
      );
      expect(runtime.status(query.id)?.state).toBe('RUNNING');

      // TERMINATE: stopped with cleanup, its consumer group is gone.
      await runtime.stop(query.id, { cleanup: true });
      expect(runtime.status(query.id)).toBeUndefined();
      const { groups } = await cluster.admin.listGroups();
      expect(groups.map((g) => g.groupId)).not.toContain(query.applicationId);
    } finally {
      await runtime.close();
    }
  });

  it('serves pull queries (key lookup and scan) from a windowed CTAS across all its tasks; cleanup deletes its internal topics', async () => {
    await cluster.createTopic('usage', 2);
    const engine = cluster.engine();
    await engine.execute(
      "CREATE STREAM USAGE (METER STRING KEY, KWH DOUBLE) WITH (kafka_topic='usage', value_format='JSON');",
    );
    const query = createdQuery(
      await engine.execute(
        'CREATE TABLE HOURLY AS SELECT METER, COUNT(*) AS N, SUM(KWH) AS TOTAL FROM USAGE WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY METER EMIT CHANGES;',
      ),
    );
    const runtime = cluster.runtime();
    try {
      await runtime.start(query);
      const hour = 3_600_000;
      const t0 = 10 * hour;
      await cluster.send('usage', [
        { key: 'a', value: { KWH: 1 }, timestamp: t0 + 1, partition: 0 },
        { key: 'a', value: { KWH: 2 }, timestamp: t0 + 2, partition: 0 },
        { key: 'b', value: { KWH: 5 }, timestamp: t0 + 3, partition: 1 },
        { key: 'a', value: { KWH: 4 }, timestamp: t0 + hour + 1, partition: 0 },
      ]);
      const scan = transientPlan<PullQueryPlan>(await engine.execute('SELECT * FROM HOURLY;'));
      const rows = await eventually(
        'all four records in the table',
        () => runtime.pull(scan),
        (r) => r.reduce((n, row) => n + Number(row[3]), 0) === 4,
      );
      const sorted = rows
        .map((r) => r.slice(0, 5))
        .sort((x, y) => `${x[0]}${x[1]}`.localeCompare(`${y[0]}${y[1]}`));
      expect(sorted).toEqual([
        ['a', t0, t0 + hour, 2, 3],
        ['a', t0 + hour, t0 + 2 * hour, 1, 4],
        ['b', t0, t0 + hour, 1, 5],
      ]);
      const lookup = transientPlan<PullQueryPlan>(
        await engine.execute(`SELECT METER, N, TOTAL FROM HOURLY WHERE METER = 'b';`),
      );
      expect(await runtime.pull(lookup)).toEqual([['b', 1, 5]]);

      // Every record processed before a pull is in its result (the record cache is read through).
      await cluster.send('usage', [{ key: 'b', value: { KWH: 1 }, timestamp: t0 + 4, partition: 1 }]);
      await eventually(
        "b's second record",
        () => runtime.pull(lookup),
        (r) => r.length === 1 && r[0]?.[1] === 2,
      );

      const internal = query.topology.internalTopics(query.applicationId).map((t) => t.name);
      expect(internal.length).toBeGreaterThan(0);
      expect(await cluster.admin.listTopics()).toEqual(expect.arrayContaining(internal));
      await runtime.stop(query.id, { cleanup: true });
      const left = await cluster.admin.listTopics();
      for (const t of internal) expect(left).not.toContain(t);
      await expect(runtime.pull(lookup)).rejects.toThrow('not running');
    } finally {
      await runtime.close();
    }
  });

  it('keeps a query that failed in ERROR with its error while another query runs on', async () => {
    await cluster.createTopic('events', 1);
    await cluster.createTopic('doomed', 1);
    const engine = cluster.engine();
    await engine.execute(
      "CREATE STREAM EVENTS (ID STRING KEY, V INT) WITH (kafka_topic='events', value_format='JSON');",
    );
    await engine.execute(
      "CREATE STREAM DOOMED (ID STRING KEY, V INT) WITH (kafka_topic='doomed', value_format='JSON');",
    );
    const healthy = createdQuery(await engine.execute('CREATE STREAM EVENTS_COPY AS SELECT * FROM EVENTS;'));
    const failing = createdQuery(await engine.execute('CREATE STREAM DOOMED_COPY AS SELECT * FROM DOOMED;'));
    const runtime = cluster.runtime({ startTimeoutMs: 20_000 });
    try {
      await runtime.start(healthy);
      // Its source topic is gone when it starts: the query fails, the runtime does not.
      await cluster.admin.deleteTopics({ topics: ['doomed'] });
      await runtime.start(failing);
      const status = runtime.status(failing.id);
      expect(status?.state).toBe('ERROR');
      expect(status?.streamsState).toBe('ERROR');
      expect(status?.errors.length).toBeGreaterThan(0);
      expect(status?.errors[0]?.errorMessage).toContain('doomed');
      expect(status?.errors[0]?.type).toBe('USER');

      expect(runtime.status(healthy.id)?.state).toBe('RUNNING');
      await cluster.send('events', [{ key: 'x', value: { V: 1 } }]);
      const out = await cluster.read(healthy.sinkTopic, 1);
      expect(jsonValue(out[0]!)).toEqual({ V: 1 });
      // A failed query stops cleanly too.
      await runtime.stop(failing.id, { cleanup: false });
      expect(runtime.status(failing.id)).toBeUndefined();
    } finally {
      await runtime.close();
    }
    await waitFor('closed', () => runtime.status(healthy.id) === undefined);
  });

  it('a query failing while it runs goes to ERROR with its error; the other query goes on', async () => {
    await cluster.createTopic('sensors', 1);
    const engine = cluster.engine();
    await engine.execute(
      "CREATE STREAM SENSORS (ID STRING KEY, ROOM STRING, T DOUBLE) WITH (kafka_topic='sensors', value_format='JSON');",
    );
    const copy = createdQuery(await engine.execute('CREATE STREAM SENSORS_COPY AS SELECT * FROM SENSORS;'));
    const perRoom = createdQuery(
      await engine.execute('CREATE TABLE PER_ROOM AS SELECT ROOM, COUNT(*) AS N FROM SENSORS GROUP BY ROOM;'),
    );
    const repartition = perRoom.topology
      .internalTopics(perRoom.applicationId)
      .find((t) => t.kind === 'repartition')?.name;
    expect(repartition).toBeDefined();
    const runtime = cluster.runtime();
    try {
      await runtime.start(copy);
      await runtime.start(perRoom);
      await cluster.send('sensors', [{ key: 's1', value: { ROOM: 'kitchen', T: 20 } }]);
      await cluster.read(copy.sinkTopic, 1);
      // Bytes its own internal topic cannot hold: the streams runtime fails the query (logAndFail).
      await cluster.send(repartition as string, [{ key: 'kitchen', value: Buffer.from('{{not json') }]);
      await waitFor('PER_ROOM fails', () => runtime.status(perRoom.id)?.state === 'ERROR');
      const status = runtime.status(perRoom.id);
      expect(status?.streamsState).toBe('ERROR');
      expect(status?.errors[0]?.errorMessage).toContain(repartition as string);

      expect(runtime.status(copy.id)?.state).toBe('RUNNING');
      await cluster.send('sensors', [{ key: 's2', value: { ROOM: 'hall', T: 18 } }]);
      const out = await cluster.read(copy.sinkTopic, 2);
      expect(out.map((m) => m.key?.toString())).toEqual(['s1', 's2']);
    } finally {
      await runtime.close();
    }
  });
});
