import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RunningBroker,
  type SchemaRegistryServer,
  startBroker,
  startSchemaRegistry,
} from '@meterstream/broker';
import { KsqlError, type StatementResult } from '@meterstream/ksql';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commandTopicName } from '../../src/command/command.js';
import { commandProducerTransactionalId } from '../../src/command/command-topic.js';
import { ServiceError } from '../../src/service/ksql-service.js';
import {
  KSQL_SERVER_VERSION,
  type KsqlServiceImpl,
  startKsqlService,
} from '../../src/service/ksql-service-impl.js';
import { PROCESSING_LOG_STREAM } from '../../src/service/processing-log.js';
import { readCommitted } from './command-reader.js';
import { RuntimeRecorder } from './recording-runtime.js';

const logger = testLogger();
let dir: string;
let broker: RunningBroker;
let registry: SchemaRegistryServer;
let kafka: Kafka;
let admin: Admin;
const open: KsqlServiceImpl[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-ksql-service-'));
  broker = await startBroker({ port: 0, dataDir: join(dir, 'broker'), logger });
  registry = await startSchemaRegistry({ port: 0, dataDir: join(dir, 'registry'), logger });
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
afterAll(async () => {
  await admin?.disconnect();
  await registry?.close();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

let serviceCounter = 0;
/** A service id of its own per test: its own command topic. */
function newServiceId(): string {
  return `svc${++serviceCounter}_`;
}

async function start(serviceId: string, properties: Record<string, string> = {}) {
  const runtime = new RuntimeRecorder();
  const service = await startKsqlService({
    brokers: [broker.bootstrap],
    schemaRegistry: registry.url,
    serviceId,
    properties: { 'ksql.logging.processing.stream.auto.create': 'false', ...properties },
    runtime,
    logger,
  });
  open.push(service);
  return { service, runtime };
}

async function stop(service: KsqlServiceImpl): Promise<void> {
  open.splice(open.indexOf(service), 1);
  await service.close();
}

function names(results: StatementResult): string[] {
  if (results.kind !== 'Streams' && results.kind !== 'Tables')
    throw new Error(`not a listing: ${results.kind}`);
  return results.sources.map((s) => s.name).sort();
}

function createdQueryId(result: StatementResult): string {
  if (result.kind !== 'QueryCreated') throw new Error(`not a query creation: ${result.kind}`);
  return result.query.id;
}

const stream = (name: string, topic: string) =>
  `CREATE STREAM ${name} (ID INT KEY, V STRING) WITH (KAFKA_TOPIC='${topic}', PARTITIONS=1, VALUE_FORMAT='JSON');`;

describe('command topic', () => {
  it('records each command with its ksqlDB command id, properties and variables; the offset is its sequence number', async () => {
    const id = newServiceId();
    const { service, runtime } = await start(id);
    const out = await service.execute(
      `${stream('S', `${id}s`)}
       SET 'auto.offset.reset'='earliest';
       DEFINE sink = 'S_X';
       CREATE STREAM \${sink} AS SELECT * FROM S;
       SHOW STREAMS;
       CREATE TYPE ADDRESS AS STRUCT<STREET STRING>;`,
      { properties: { 'ksql.streams.num.stream.threads': '2' } },
    );
    expect(out.map((e) => e.result.kind)).toEqual([
      'SourceCreated',
      'PropertySet',
      'VariableDefined',
      'QueryCreated',
      'Streams',
      'TypeCreated',
    ]);
    // Only DDL and persistent queries are commands; SET, DEFINE and SHOW are not.
    expect(out.map((e) => e.command?.commandId)).toEqual([
      'stream/S/create',
      undefined,
      undefined,
      'stream/S_X/create',
      undefined,
      'type/ADDRESS/create',
    ]);
    const queryId = createdQueryId(out[3].result);
    expect(out[3].command?.status).toMatchObject({ status: 'SUCCESS', queryId });
    expect(service.commandStatus('stream/S_X/create')?.status).toBe('SUCCESS');
    expect(runtime.started).toEqual([queryId]);

    const records = await readCommitted(kafka, admin, commandTopicName(id));
    expect(records.map((r) => r.key)).toEqual([
      'stream/S/create',
      'stream/S_X/create',
      'type/ADDRESS/create',
    ]);
    expect(records.map((r) => r.offset)).toEqual(
      [out[0], out[3], out[5]].map((e) => e.command?.commandSequenceNumber),
    );
    const csas = JSON.parse(records[1].value ?? '');
    // The statement is recorded as it ran: variables substituted.
    expect(csas.statement).toBe('CREATE STREAM S_X AS SELECT * FROM S');
    expect(csas.streamsProperties).toEqual({
      'ksql.streams.num.stream.threads': '2',
      'auto.offset.reset': 'earliest',
    });
    expect(csas.variables).toEqual({ sink: 'S_X' });
    // The first command's properties are the request's only: the SET came after it.
    expect(JSON.parse(records[0].value ?? '').streamsProperties).toEqual({
      'ksql.streams.num.stream.threads': '2',
    });
  });

  it('creates the command topic with one partition, kept forever', async () => {
    const id = newServiceId();
    await start(id);
    const topic = commandTopicName(id);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0].partitions).toHaveLength(1);
    const config = await admin.describeConfigs({
      resources: [{ type: 2, name: topic }],
      includeSynonyms: false,
    });
    const entries = Object.fromEntries(
      config.resources[0].configEntries.map((e) => [e.configName, e.configValue]),
    );
    expect(entries['retention.ms']).toBe('-1');
    expect(entries['cleanup.policy']).toBe('delete');
  });

  it('never records a failing statement; the statements before it in the request keep their effect', async () => {
    const id = newServiceId();
    const { service, runtime } = await start(id);
    const error = await service
      .execute(`${stream('A', `${id}a`)} CREATE STREAM B AS SELECT * FROM NOPE;`, {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KsqlError);
    expect((error as KsqlError).statementText).toContain('NOPE');
    const records = await readCommitted(kafka, admin, commandTopicName(id));
    expect(records.map((r) => r.key)).toEqual(['stream/A/create']);
    expect(runtime.started).toEqual([]);
    const [listing] = await service.execute('SHOW STREAMS;', {});
    expect(names(listing.result)).toEqual(['A']);
    expect(service.commandStatus('stream/B/create')).toBeUndefined();
  });

  it('fails a statement whose command cannot be written, and leaves neither engine state nor queries behind', async () => {
    const id = newServiceId();
    const { service, runtime } = await start(id);
    await service.execute(stream('BASE', `${id}base`), {});
    // The broker refuses every batch bigger than 100 bytes: no command fits any more.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: 2, name: commandTopicName(id), configEntries: [{ name: 'max.message.bytes', value: '100' }] },
      ],
    });
    const error = await service
      .execute('CREATE STREAM LOST AS SELECT * FROM BASE;', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).errorCode).toBe(50000);
    expect(runtime.started).toEqual([]);
    const [streams, queries] = await service.execute('SHOW STREAMS; SHOW QUERIES;', {});
    expect(names(streams.result)).toEqual(['BASE']);
    expect(queries.result.kind === 'Queries' && queries.result.queries).toEqual([]);
    const records = await readCommitted(kafka, admin, commandTopicName(id));
    expect(records.map((r) => r.key)).toEqual(['stream/BASE/create']);
  });

  it('refuses SELECT in execute (the REST layer answers 40002)', async () => {
    const id = newServiceId();
    const { service } = await start(id);
    await service.execute(stream('Q', `${id}q`), {});
    const error = await service.execute('SELECT * FROM Q EMIT CHANGES;', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).errorCode).toBe(40002);
  });
});

describe('restart', () => {
  it('replays the command topic: same sources and query ids; terminated and dropped queries stay gone', async () => {
    const id = newServiceId();
    const first = await start(id);
    const out = await first.service.execute(
      `${stream('S', `${id}s`)}
       DEFINE src = 'S';
       CREATE STREAM KEEP AS SELECT * FROM \${src};
       CREATE STREAM ENDED AS SELECT * FROM S;
       CREATE STREAM DROPPED AS SELECT * FROM S;
       CREATE TABLE T (ID INT PRIMARY KEY, V STRING) WITH (KAFKA_TOPIC='${id}t', PARTITIONS=1, VALUE_FORMAT='JSON');`,
      {},
    );
    // KEEP's statement used a variable: its command holds the substituted text.
    const [keep, ended, dropped] = [2, 3, 4].map((i) => createdQueryId(out[i].result));
    const terminate = await first.service.execute(`TERMINATE ${ended};`, {});
    expect(terminate[0].command?.commandId).toBe(`terminate/${ended}/execute`);
    const drop = await first.service.execute('DROP STREAM DROPPED;', {});
    expect(drop[0].command?.commandId).toBe('stream/DROPPED/drop');
    expect(first.runtime.started).toEqual([keep, ended, dropped]);
    expect(first.runtime.stopped).toEqual([
      { queryId: ended, cleanup: true },
      { queryId: dropped, cleanup: true },
    ]);
    await stop(first.service);
    expect(first.runtime.closed).toBe(true);

    const second = await start(id);
    const [streams, tables, queries] = await second.service.execute(
      'SHOW STREAMS; SHOW TABLES; SHOW QUERIES;',
      {},
    );
    expect(names(streams.result)).toEqual(['ENDED', 'KEEP', 'S']);
    expect(names(tables.result)).toEqual(['T']);
    if (queries.result.kind !== 'Queries') throw new Error('not a query listing');
    expect(queries.result.queries.map((q) => q.id)).toEqual([keep]);
    expect(queries.result.queries[0].applicationId).toBe(`_confluent-ksql-${id}query_${keep}`);
    // Only the survivor is started; the replay itself starts and stops nothing else.
    expect(second.runtime.started).toEqual([keep]);
    expect(second.runtime.stopped).toEqual([]);
    expect(queries.queryStatus?.get(keep)?.state).toBe('RUNNING');
    // Query ids keep counting from where the first server stopped.
    const next = await second.service.execute('CREATE STREAM LATER AS SELECT * FROM S;', {});
    expect([keep, ended, dropped]).not.toContain(createdQueryId(next[0].result));
  });

  it('does not replay a command whose transaction a crashed server left open, nor an aborted one', async () => {
    const id = newServiceId();
    const first = await start(id);
    await first.service.execute(stream('REAL', `${id}real`), {});
    await stop(first.service);

    const ghost = (name: string) => ({
      key: `stream/${name}/create`,
      value: JSON.stringify({
        statement: stream(name, `${id}${name.toLowerCase()}`),
        streamsProperties: {},
        variables: {},
        originalProperties: {},
        version: 1,
      }),
    });
    const producerOf = () =>
      kafka.producer({
        transactionalId: commandProducerTransactionalId(id),
        idempotent: true,
        maxInFlightRequests: 1,
      });
    const aborting = producerOf();
    await aborting.connect();
    const aborted = await aborting.transaction();
    await aborted.send({ topic: commandTopicName(id), messages: [ghost('ABORTED')] });
    await aborted.abort();
    await aborting.disconnect();
    // The crash: begun, written, never committed nor aborted.
    const crashing = producerOf();
    await crashing.connect();
    const open = await crashing.transaction();
    await open.send({ topic: commandTopicName(id), messages: [ghost('GHOST')] });
    await crashing.disconnect();

    const second = await start(id);
    const [streams] = await second.service.execute('SHOW STREAMS;', {});
    expect(names(streams.result)).toEqual(['REAL']);
    const created = await second.service.execute(stream('AFTER', `${id}after`), {});
    const records = await readCommitted(kafka, admin, commandTopicName(id));
    expect(records.map((r) => r.key)).toEqual(['stream/REAL/create', 'stream/AFTER/create']);
    expect(records[1].offset).toBe(created[0].command?.commandSequenceNumber);
  });

  it('skips a command that fails on replay and goes on with the rest', async () => {
    const id = newServiceId();
    const first = await start(id);
    await first.service.execute(stream('S', `${id}s`), {});
    await stop(first.service);
    // A command another writer recorded that cannot run (its source does not exist), then a good one.
    const producer = kafka.producer({
      transactionalId: commandProducerTransactionalId(id),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const txn = await producer.transaction();
    const command = (statement: string) =>
      JSON.stringify({ statement, streamsProperties: {}, variables: {}, originalProperties: {}, version: 1 });
    await txn.send({
      topic: commandTopicName(id),
      messages: [
        { key: 'stream/BAD/create', value: command('CREATE STREAM BAD AS SELECT * FROM MISSING;') },
        { key: 'stream/GOOD/create', value: command('CREATE STREAM GOOD AS SELECT * FROM S;') },
      ],
    });
    await txn.commit();
    await producer.disconnect();

    const second = await start(id);
    const [streams] = await second.service.execute('SHOW STREAMS;', {});
    expect(names(streams.result)).toEqual(['GOOD', 'S']);
    expect(second.service.commandStatus('stream/BAD/create')?.status).toBe('ERROR');
    expect(second.runtime.started).toHaveLength(1);
  });
});

describe('commandSequenceNumber', () => {
  it('waits until another server’s command is applied, and times out with 50303 past the end', async () => {
    const id = newServiceId();
    const props = { 'ksql.server.command.response.timeout.ms': '1000' };
    const a = await start(id, props);
    const b = await start(id, props);
    const written = await b.service.execute(stream('FROM_B', `${id}b`), {});
    const seq = written[0].command?.commandSequenceNumber ?? -1;
    const [seen] = await a.service.execute('SHOW STREAMS;', { commandSequenceNumber: seq });
    expect(names(seen.result)).toEqual(['FROM_B']);

    // The other way round: A writes after B, B's runner applies it.
    const fromA = await a.service.execute(stream('FROM_A', `${id}a`), {});
    const seqA = fromA[0].command?.commandSequenceNumber ?? -1;
    expect(seqA).toBeGreaterThan(seq);
    const [seenByB] = await b.service.execute('SHOW STREAMS;', { commandSequenceNumber: seqA });
    expect(names(seenByB.result)).toEqual(['FROM_A', 'FROM_B']);

    const error = await a.service
      .execute('SHOW STREAMS;', { commandSequenceNumber: seqA + 1000 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).errorCode).toBe(50303);
  });
});

describe('queries', () => {
  it('hands push plans to the runtime with result columns, and closes them', async () => {
    const id = newServiceId();
    const { service, runtime } = await start(id, { 'auto.offset.reset': 'latest' });
    await service.execute(
      `CREATE STREAM P (ID INT KEY, V STRING, N ARRAY<BIGINT>) WITH (KAFKA_TOPIC='${id}p', PARTITIONS=1, VALUE_FORMAT='JSON');`,
      {},
    );
    const handle = await service.query('SELECT ID, V, N FROM P EMIT CHANGES;', {
      properties: { 'auto.offset.reset': 'earliest' },
    });
    expect(handle.kind).toBe('push');
    if (handle.kind !== 'push') return;
    expect(handle.columns).toEqual([
      { name: 'ID', type: 'INTEGER' },
      { name: 'V', type: 'STRING' },
      { name: 'N', type: 'ARRAY<BIGINT>' },
    ]);
    expect(runtime.pushed).toHaveLength(1);
    expect(runtime.pushed[0].plan.id).toBe(handle.queryId);
    expect(runtime.pushed[0].properties['auto.offset.reset']).toBe('earliest');
    expect(await service.closeQuery(handle.queryId)).toBe(true);
    expect(runtime.closedPushQueries).toEqual([handle.queryId]);
    expect(await service.closeQuery(handle.queryId)).toBe(false);
  });
});

describe('pull queries', () => {
  it('hands pull plans of a materialized table to the runtime with result columns', async () => {
    const id = newServiceId();
    const { service, runtime } = await start(id);
    await service.execute(
      `${stream('S', `${id}s`)} CREATE TABLE COUNTS AS SELECT ID, COUNT(*) AS C FROM S GROUP BY ID;`,
      {},
    );
    const handle = await service.query('SELECT * FROM COUNTS WHERE ID = 1;', {});
    expect(handle.kind).toBe('pull');
    if (handle.kind !== 'pull') return;
    // The key column is marked: /query prints it `ID INTEGER KEY`, as ksqlDB does.
    expect(handle.columns).toEqual([
      { name: 'ID', type: 'INTEGER', key: true },
      { name: 'C', type: 'BIGINT' },
    ]);
    expect(runtime.pulled).toHaveLength(1);
    expect(runtime.pulled[0].sourceName).toBe('COUNTS');
    expect(runtime.pulled[0].queryId).toBe(runtime.started[0]);
  });
});

describe('insertRows', () => {
  it('writes rows with the stream’s formats and acks each; a bad row rejects naming it', async () => {
    const id = newServiceId();
    const { service } = await start(id);
    await service.execute(
      `CREATE STREAM R (ID INT KEY, NAME STRING, AMOUNT DOUBLE) WITH (KAFKA_TOPIC='${id}r', PARTITIONS=1, VALUE_FORMAT='JSON');
       CREATE TABLE RT (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='${id}rt', PARTITIONS=1, VALUE_FORMAT='JSON');`,
      {},
    );
    async function* rows() {
      yield { ID: 1, NAME: 'a', AMOUNT: 1.5 };
      yield { id: 2, name: 'b', amount: 2 };
      yield { ID: 3, NAME: 'c', AMOUNT: 1, NOPE: true };
      yield { ID: 4, NAME: 'd', AMOUNT: 4 };
    }
    const acks: number[] = [];
    const error = await service.insertRows('R', rows(), (seq) => acks.push(seq)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).message).toContain('row 2');
    expect((error as ServiceError).message).toContain('NOPE');
    expect(acks).toEqual([0, 1]);

    const written = await readCommitted(kafka, admin, `${id}r`);
    expect(written.map((r) => JSON.parse(r.value ?? ''))).toEqual([
      { NAME: 'a', AMOUNT: 1.5 },
      { NAME: 'b', AMOUNT: 2 },
    ]);

    const table = await service.insertRows('RT', rows(), () => {}).catch((e: unknown) => e);
    expect(table).toBeInstanceOf(ServiceError);
    const unknown = await service.insertRows('NOWHERE', rows(), () => {}).catch((e: unknown) => e);
    expect((unknown as ServiceError).message).toContain('NOWHERE');
  });
});

describe('info, healthcheck and the processing log', () => {
  it('reports version, cluster id, service id and a healthy server', async () => {
    const id = newServiceId();
    const { service } = await start(id);
    const cluster = await admin.describeCluster();
    expect(service.info()).toEqual({
      version: KSQL_SERVER_VERSION,
      kafkaClusterId: cluster.clusterId,
      ksqlServiceId: id,
      serverStatus: 'RUNNING',
    });
    expect(await service.healthcheck()).toEqual({
      isHealthy: true,
      details: {
        metastore: { isHealthy: true },
        kafka: { isHealthy: true },
        commandRunner: { isHealthy: true },
      },
    });
  });

  it('creates KSQL_PROCESSING_LOG through the command topic once', async () => {
    const id = newServiceId();
    const first = await start(id, { 'ksql.logging.processing.stream.auto.create': 'true' });
    const [description] = await first.service.execute(`DESCRIBE ${PROCESSING_LOG_STREAM};`, {});
    if (description.result.kind !== 'SourceDescription') throw new Error('not a description');
    expect(description.result.source.topic).toBe(`${id}ksql_processing_log`);
    expect(description.result.source.columns.map((c) => c.name)).toEqual([
      'LOGGER',
      'LEVEL',
      'TIME',
      'MESSAGE',
    ]);
    expect(await admin.listTopics()).toContain(`${id}ksql_processing_log`);
    await stop(first.service);
    await start(id, { 'ksql.logging.processing.stream.auto.create': 'true' });
    const records = await readCommitted(kafka, admin, commandTopicName(id));
    expect(records.map((r) => r.key)).toEqual([`stream/${PROCESSING_LOG_STREAM}/create`]);
  });
});
