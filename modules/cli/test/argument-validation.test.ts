import type { AggregateMetric } from '@meterstream/common';
import { AggregateDao, applyMigrations } from '@meterstream/persistence';
import {
  type TestCassandra,
  type TestKafka,
  freePort,
  startTestCassandra,
  startTestKafka,
} from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli-process.js';

/** Runs the CLI to completion (killed if it hangs: a consumer waiting on a missing topic would). */
async function cli(args: string[], env: Record<string, string> = {}) {
  const run = runCli(args, env);
  const timer = setTimeout(() => run.kill('SIGKILL'), 60_000);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, output: run.output() };
}

const RANGE = ['--from', '2024-01-01', '--to', '2024-01-02'];

describe('query arguments the serving API would answer 400 to', () => {
  // Nothing listens here: a message about Cassandra would mean the arguments reached a server.
  let nowhere: Record<string, string>;
  beforeAll(async () => {
    nowhere = { METERSTREAM_CASSANDRA_CONTACT_POINTS: `127.0.0.1:${await freePort()}` };
  });

  const cases: [what: string, args: string[], message: string][] = [
    [
      'an attribute of another type',
      ['--type', 'WATER', '--attribute', 'ACTIVE_POWER'],
      'error: --attribute ACTIVE_POWER is not an attribute of WATER (expected one of WATER_SUMMATION, WATER_IDD)',
    ],
    [
      'the same in lower case',
      ['--type', 'gas', '--attribute', 'voltage'],
      'error: --attribute VOLTAGE is not an attribute of GAS (expected one of GAS_SUMMATION, GAS_IDD)',
    ],
    [
      'a window no layer keeps',
      ['--type', 'ELECTRICITY', '--attribute', 'ACTIVE_POWER', '--window', '90'],
      'error: --window 90: expected one of 60, 600, 3600, 86400 (seconds)',
    ],
  ];
  it.each(cases)(
    '%s: one line, exit 1, no server reached',
    async (_what, args, message) => {
      const { code, output } = await cli(['query', '--gateway', '0', ...args, ...RANGE], nowhere);
      expect(code, output).toBe(1);
      expect(output.split('\n')[0]).toBe(message);
      expect(output).not.toMatch(/cannot reach|unconfigured table/);
    },
    60_000,
  );
});

describe('types in any case', () => {
  let cassandra: TestCassandra;
  beforeAll(async () => {
    cassandra = await startTestCassandra((client) => applyMigrations(client, { keyspace: 'metrics' }));
    const aggregate: AggregateMetric = {
      gateway: '7',
      metricType: 'WATER',
      metricAttribute: 'WATER_IDD',
      windowStart: Date.UTC(2024, 0, 1, 0, 0),
      windowEnd: Date.UTC(2024, 0, 1, 0, 1),
      sampleCount: 2,
      sum: 3,
      min: 1,
      max: 2,
      average: 1.5,
    };
    await new AggregateDao(cassandra.client, { keyspace: 'metrics' }).save(60, aggregate);
  }, 60_000);
  afterAll(async () => {
    await cassandra?.close();
  });

  it.each([
    ['WATER', 'WATER_IDD'],
    ['water', 'water_idd'],
    ['Water', 'Water_Idd'],
  ])(
    'query --type %s --attribute %s finds the WATER.WATER_IDD series',
    async (type, attribute) => {
      const { code, output } = await cli(
        ['query', '--gateway', '7', '--type', type, '--attribute', attribute, '--window', '60', ...RANGE],
        { METERSTREAM_CASSANDRA_CONTACT_POINTS: cassandra.contactPoints.join(',') },
      );
      expect(code, output).toBe(0);
      expect(output).toMatch(
        /^2024-01-01T00:00:00Z +2024-01-01T00:01:00Z +2 +1\.000 +2\.000 +1\.500 +3\.000$/m,
      );
      expect(output).toContain('(1 rows)');
    },
    60_000,
  );
});

describe('query before anything wrote the tables', () => {
  let empty: TestCassandra;
  beforeAll(async () => {
    empty = await startTestCassandra(); // no migrations: no keyspace, no tables
  }, 60_000);
  afterAll(async () => {
    await empty?.close();
  });

  it.each([
    ['speed', '60', 'metrics.metrics_aggregates_60', '`meterstream sink cassandra --window 60` creates it'],
    [
      'batch',
      '600',
      'metrics.batch_aggregates_600',
      '`meterstream batch --window 600 --from … --to …` creates it',
    ],
  ])(
    '--layer %s names the table and the command that creates it',
    async (layer, window, table, how) => {
      const { code, output } = await cli(
        ['query', '--layer', layer, '--gateway', '0', '--type', 'WATER', '--attribute', 'WATER_IDD'].concat([
          '--window',
          window,
          ...RANGE,
        ]),
        { METERSTREAM_CASSANDRA_CONTACT_POINTS: empty.contactPoints.join(',') },
      );
      expect(code, output).toBe(1);
      expect(output.trimEnd()).toBe(
        `error: Cassandra at ${empty.contactPoints.join(', ')} has no table ${table} yet: ${how} and writes the ${layer === 'speed' ? "speed layer's aggregates" : 'batch views'}`,
      );
    },
    60_000,
  );
});

describe('replay --type in any case', () => {
  // Validation comes before any server is reached: an accepted type gets as far as the (absent) broker.
  it.each(['water', 'WATER', 'Water'])(
    '--type %s is accepted',
    async (type) => {
      const broker = `127.0.0.1:${await freePort()}`;
      const { code, output } = await cli(['replay', '--dataset', 'any.csv', '--type', type], {
        METERSTREAM_KAFKA_BROKERS: broker,
      });
      expect(code, output).toBe(1);
      expect(output).toContain(`error: cannot reach Kafka at ${broker}`);
    },
    60_000,
  );

  it('an unknown type is refused with the choices', async () => {
    const { code, output } = await cli(['replay', '--dataset', 'any.csv', '--type', 'steam']);
    expect(code, output).toBe(1);
    expect(output).toMatch(
      /Invalid values:\s+Argument: type, Given: "steam", Choices: "electricity", "water", "gas"/,
    );
  }, 60_000);
});

describe('consume on a topic that does not exist', () => {
  let kafka: TestKafka;
  beforeAll(async () => {
    kafka = await startTestKafka();
    await kafka.admin.createTopics({ topics: [{ topic: 'metrics', numPartitions: 1 }] });
  }, 60_000);
  afterAll(async () => {
    await kafka?.close();
  });

  it('says so, lists the topics there are, exits 1, and creates nothing', async () => {
    const { code, output } = await cli(['consume', '--topic', 'nosuchtopic'], {
      METERSTREAM_KAFKA_BROKERS: kafka.broker.bootstrap,
    });
    expect(code, output).toBe(1);
    expect(output.trimEnd()).toBe(
      `error: topic "nosuchtopic" does not exist on ${kafka.broker.bootstrap} (a consumer never creates topics); ` +
        'existing topics: metrics; `meterstream topics create` creates the pipeline topics',
    );
    expect(await kafka.admin.listTopics()).not.toContain('nosuchtopic');
  }, 60_000);

  it('an existing topic is read', async () => {
    const producer = kafka.kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'metrics', messages: [{ key: 'k', value: '{"v":1}' }] });
    await producer.disconnect();
    const { code, output } = await cli(
      ['consume', '--topic', 'metrics', '--from-beginning', '--max-messages', '1'],
      {
        METERSTREAM_KAFKA_BROKERS: kafka.broker.bootstrap,
        METERSTREAM_SCHEMA_REGISTRY_URL: kafka.registry.url,
      },
    );
    expect(code, output).toBe(0);
    expect(output).toContain('0@0 k {"v":1}');
  }, 60_000);
});
