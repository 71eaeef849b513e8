import { HttpSchemaRegistry } from '@meterstream/ksql';
import { startTestKafka, type TestKafka, testLogger } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRestCase } from '../../src/conformance/rest-case-runner.js';
import { parseRestTestFile } from '../../src/conformance/rest-test-case.js';
import type { KsqlRestServer } from '../../src/rest/rest-server.js';
import { startKsqlRestServer } from '../../src/rest/rest-server.js';
import { KafkaQueryRuntime } from '../../src/runtime/kafka-query-runtime.js';
import { type KsqlServiceImpl, startKsqlService } from '../../src/service/ksql-service-impl.js';

// Case files written for this test (not ksqlDB's): the runner against a real server over HTTP.
// Each case uses its own topic and source names, as they share one server here.
const cases = (tests: unknown[]) => parseRestTestFile(JSON.stringify({ tests }), '/t/runner.json').cases;

const PULL = {
  name: 'count per key then look one up',
  statements: [
    "CREATE STREAM INPUT_A (ID STRING KEY, V INT) WITH (kafka_topic='topic_a', value_format='JSON');",
    'CREATE TABLE COUNTS_A AS SELECT ID, COUNT(1) AS N FROM INPUT_A GROUP BY ID;',
    "SELECT ID, N FROM COUNTS_A WHERE ID='k2';",
  ],
  inputs: [
    { topic: 'topic_a', key: 'k1', value: { V: 1 } },
    { topic: 'topic_a', key: 'k2', value: { V: 2 } },
    { topic: 'topic_a', key: 'k2', value: { V: 3 } },
  ],
  responses: [
    { admin: { '@type': 'currentStatus' } },
    { admin: { '@type': 'currentStatus' } },
    { query: [{ header: { schema: '`ID` STRING KEY, `N` BIGINT' } }, { row: { columns: ['k2', 2] } }] },
  ],
};

describe('rest conformance runner against a live server', () => {
  let kafka: TestKafka;
  let service: KsqlServiceImpl;
  let rest: KsqlRestServer;
  const target = () => ({
    serverUrl: rest.url,
    kafka: kafka.kafka,
    admin: kafka.admin,
    registry: new HttpSchemaRegistry(kafka.registry.url),
  });

  beforeAll(async () => {
    kafka = await startTestKafka();
    const properties = {
      'ksql.streams.auto.offset.reset': 'earliest',
      'ksql.streams.commit.interval.ms': '100',
    };
    const runtime = new KafkaQueryRuntime({
      brokers: [kafka.broker.bootstrap],
      serviceId: 'conf_',
      properties,
      logger: testLogger(),
    });
    service = await startKsqlService({
      brokers: [kafka.broker.bootstrap],
      schemaRegistry: kafka.registry.url,
      serviceId: 'conf_',
      properties,
      runtime,
      logger: testLogger(),
    });
    rest = await startKsqlRestServer(service, { port: 0, logger: testLogger() });
  });

  afterAll(async () => {
    await rest?.close();
    await service?.close();
    await kafka?.close();
  });

  it('passes a case whose inputs, statements and pull query answer as expected', async () => {
    const [test] = cases([PULL]);
    const result = await runRestCase(test, target());
    expect(result.message).toBeUndefined();
    expect(result.status).toBe('passed');
  });

  it('fails a case whose expected row differs, naming the difference', async () => {
    const wrong = {
      ...PULL,
      name: 'wrong count',
      statements: PULL.statements.map((s) =>
        s
          .replaceAll('INPUT_A', 'INPUT_B')
          .replaceAll('COUNTS_A', 'COUNTS_B')
          .replaceAll('topic_a', 'topic_b'),
      ),
      inputs: PULL.inputs.map((r) => ({ ...r, topic: 'topic_b' })),
      responses: [
        ...PULL.responses.slice(0, 2),
        { query: [{ header: { schema: '`ID` STRING KEY, `N` BIGINT' } }, { row: { columns: ['k2', 3] } }] },
      ],
    };
    const [test] = cases([wrong]);
    const result = await runRestCase(test, target());
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/responses\[2\]->query\[1\]->row->columns.*\["k2",2\]/);
  });

  it('judges an expected error and the topic contents INSERT VALUES wrote', async () => {
    const [error, insert] = cases([
      {
        name: 'unknown source',
        statements: ["SELECT * FROM NOWHERE WHERE ID='x';"],
        expectedError: {
          type: 'io.confluent.ksql.rest.entity.KsqlStatementErrorMessage',
          message: 'NOWHERE does not exist',
          status: 400,
        },
      },
      {
        name: 'insert',
        statements: [
          "CREATE STREAM OUT_C (ID STRING KEY, V INT) WITH (kafka_topic='topic_c', value_format='JSON', partitions=1);",
          "INSERT INTO OUT_C (ID, V, ROWTIME) VALUES ('a', 7, 1000);",
        ],
        outputs: [{ topic: 'topic_c', key: 'a', value: { V: 7 }, timestamp: 1000 }],
      },
    ]);
    const e = await runRestCase(error, target());
    expect(e.message).toBeUndefined();
    expect(e.status).toBe('passed');
    const i = await runRestCase(insert, target());
    expect(i.message).toBeUndefined();
    expect(i.status).toBe('passed');
  });
});
