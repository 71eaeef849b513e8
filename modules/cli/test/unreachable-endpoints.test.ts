import { type TestKafka, freePort, startTestKafka } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli-process.js';

/**
 * A newcomer runs a command before the stack is up. Each command must fail at once with exit 1 and
 * one line naming the endpoint it tried, the flag and the variable that set it, and `meterstream up`
 * — not a client's retry loop, a stack trace or an error object.
 */
async function cli(args: string[], env: Record<string, string>) {
  const run = runCli(args, { METERSTREAM_LOG_LEVEL: 'info', ...env });
  // Far above the few seconds a failing check takes; a client retrying would hit it.
  const timer = setTimeout(() => run.kill('SIGKILL'), 60_000);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, lines: run.output().trimEnd().split('\n') };
}

/** Ports nothing listens on: taken from the OS and released. */
let closed: { kafka: string; registry: string; cassandra: string; redis: string; s3: string };
let kafka: TestKafka;

beforeAll(async () => {
  closed = {
    kafka: `127.0.0.1:${await freePort()}`,
    registry: `http://127.0.0.1:${await freePort()}`,
    cassandra: `127.0.0.1:${await freePort()}`,
    redis: `redis://127.0.0.1:${await freePort()}`,
    s3: `http://127.0.0.1:${await freePort()}`,
  };
  kafka = await startTestKafka();
}, 60_000);

afterAll(async () => {
  await kafka?.close();
});

function expectOneLine(
  result: { code: number | string; lines: string[] },
  tried: string,
  flag: string,
  env: string,
) {
  const text = result.lines.join('\n');
  expect(result.code, text).toBe(1);
  expect(result.lines, text).toHaveLength(1);
  const [line] = result.lines;
  expect(line).toMatch(/^error: cannot reach /);
  expect(line).toContain(tried);
  expect(line).toContain('connection refused');
  expect(line).toContain(flag);
  expect(line).toContain(env);
  expect(line).toContain('`meterstream up`');
}

describe('a command whose server is not running', () => {
  it('replay with no broker names the brokers it tried, --kafka-brokers and METERSTREAM_KAFKA_BROKERS', async () => {
    const result = await cli(['replay', '--synthetic', '--gateways', '0..0', '--message-count', '10'], {
      METERSTREAM_KAFKA_BROKERS: closed.kafka,
      METERSTREAM_SCHEMA_REGISTRY_URL: closed.registry,
    });
    expectOneLine(result, `Kafka at ${closed.kafka}`, '--kafka-brokers', 'METERSTREAM_KAFKA_BROKERS');
  }, 90_000);

  it('replay with a broker but no Schema Registry names the registry', async () => {
    const result = await cli(['replay', '--synthetic', '--gateways', '0..0', '--message-count', '10'], {
      METERSTREAM_KAFKA_BROKERS: kafka.broker.bootstrap,
      METERSTREAM_SCHEMA_REGISTRY_URL: closed.registry,
    });
    expectOneLine(
      result,
      `Schema Registry at ${closed.registry}`,
      '--schema-registry-url',
      'METERSTREAM_SCHEMA_REGISTRY_URL',
    );
  }, 90_000);

  it('sink redis with a broker but no Redis names the Redis URL', async () => {
    const result = await cli(['sink', 'redis'], {
      METERSTREAM_KAFKA_BROKERS: kafka.broker.bootstrap,
      METERSTREAM_REDIS_URL: closed.redis,
    });
    expectOneLine(result, `Redis at ${closed.redis}`, '--redis-url', 'METERSTREAM_REDIS_URL');
    expect(result.lines.join('\n')).not.toContain('Unhandled error event');
  }, 90_000);

  it('query with no Cassandra names the contact points, without driver internals', async () => {
    const result = await cli(
      [
        'query',
        ...['--gateway', '0', '--type', 'ELECTRICITY', '--attribute', 'ACTIVE_POWER'],
        ...['--window', '60', '--from', '2024-01-01', '--to', '2024-01-02'],
      ],
      { METERSTREAM_CASSANDRA_CONTACT_POINTS: closed.cassandra },
    );
    expectOneLine(
      result,
      `Cassandra at ${closed.cassandra}`,
      '--cassandra-contact-points',
      'METERSTREAM_CASSANDRA_CONTACT_POINTS',
    );
    expect(result.lines[0]).not.toMatch(/innerErrors|bucket/);
  }, 90_000);

  it('serve with no Cassandra names the contact points (a flag wins over the variable)', async () => {
    const result = await cli(['serve', '--port', '0', '--cassandra-contact-points', closed.cassandra], {
      METERSTREAM_CASSANDRA_CONTACT_POINTS: '127.0.0.1:9',
    });
    expectOneLine(
      result,
      `Cassandra at ${closed.cassandra}`,
      '--cassandra-contact-points',
      'METERSTREAM_CASSANDRA_CONTACT_POINTS',
    );
  }, 90_000);

  it('sink s3 with a broker but no S3 server names the endpoint', async () => {
    const result = await cli(['sink', 's3'], {
      METERSTREAM_KAFKA_BROKERS: kafka.broker.bootstrap,
      METERSTREAM_S3_ENDPOINT: closed.s3,
    });
    expectOneLine(result, `S3 at ${closed.s3}`, '--s3-endpoint', 'METERSTREAM_S3_ENDPOINT');
  }, 90_000);

  it('ksql with no server names the URL, how to set it, and `meterstream up`', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await cli(['ksql', url, '--execute', 'SHOW STREAMS;'], {});
    const text = result.lines.join('\n');
    expect(result.code, text).toBe(1);
    expect(result.lines, text).toHaveLength(1);
    expect(text).toContain(`cannot reach ksqlDB at ${url} (connection refused)`);
    expect(text).toContain('--server-url');
    expect(text).toContain('METERSTREAM_KSQLDB_URL');
    expect(text).toContain('`meterstream up`');
  }, 90_000);
});

describe('a command whose server is running', () => {
  it('passes the check and runs (topics create against the test broker)', async () => {
    const result = await cli(['topics', 'create'], { METERSTREAM_KAFKA_BROKERS: kafka.broker.bootstrap });
    expect(result.code, result.lines.join('\n')).toBe(0);
    expect(result.lines.join('\n')).not.toContain('cannot reach');
    const topics = await kafka.admin.listTopics();
    expect(topics).toContain('metrics');
  }, 90_000);
});
