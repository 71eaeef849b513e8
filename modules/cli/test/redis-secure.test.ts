import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@meterstream/broker';
import {
  type AggregateMetric,
  aggregateJsonSerde,
  formatMetricKey,
  loadConfig,
  redisAuthOptions,
} from '@meterstream/common';
import { RedisServingView } from '@meterstream/persistence';
import { ensureSecurityBundle, type SecurityBundle } from '@meterstream/security';
import { type TestRedis, startRedisServer, testLogger } from '@meterstream/test-support';
import { Redis, type RedisOptions } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAggregator } from '../src/apps/aggregator.js';
import { startRedisViewSink } from '../src/apps/redis-view-sink.js';
import { writeStackProfile } from '../src/stack/secure-stack.js';
import {
  T0,
  createTopics,
  expectExactlyOnce,
  produceMetrics,
  produceTicks,
  readAggregates,
  referenceAggregates,
  workload,
} from './helpers/aggregation-workload.js';
import { waitFor } from './helpers/cli-process.js';

/**
 * redis-server as `up --secure` runs it (the bundle's ACL users, TLS only with the bundle's server
 * certificate), reached with ioredis over TCP: refusals with Redis's own errors, the app users
 * configured through the config loader, and the Redis state store and the Redis view sink on it.
 */
let dir: string;
let bundle: SecurityBundle;
let redis: TestRedis;
let broker: RunningBroker;
let kafka: Kafka;
let ca: string;
const clients: Redis[] = [];
const password = (user: string) => bundle.users.find((u) => u.username === user)!.password;

/** A client that does not retry, with the refusals ioredis emits as 'error' events collected. */
function client(options: RedisOptions): { redis: Redis; errors: string[] } {
  const c = new Redis({
    host: '127.0.0.1',
    port: redis.port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...options,
  });
  const errors: string[] = [];
  c.on('error', (error: Error) => errors.push(error.message));
  clients.push(c);
  return { redis: c, errors };
}
const admin = () => client({ username: 'admin', password: password('admin'), tls: { ca: [ca] } }).redis;

/** What a refused client saw when it connected and tried to write `refused-key`. */
async function refusal(options: RedisOptions): Promise<string> {
  const { redis: c, errors } = client(options);
  const outcome = await c.connect().then(
    () => c.set('refused-key', 'x').then((reply) => `accepted: ${reply}`),
    (error: Error) => error.message,
  );
  c.disconnect();
  return [outcome, ...errors].join(' | ');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-redis-secure-'));
  bundle = await ensureSecurityBundle(dir);
  ca = bundle.caCert;
  redis = await startRedisServer({
    users: bundle.users,
    tls: { certFile: bundle.paths.serverCert, keyFile: bundle.paths.serverKey, caFile: bundle.paths.caCert },
  });
  broker = await startBroker({ port: 0, dataDir: join(dir, 'kafka'), logger: testLogger('broker') });
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await broker?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('secured redis-server (ACL users over TLS) with ioredis', () => {
  it('serves TLS only, with the bundle certificate', async () => {
    expect(redis.url).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+$/);
    // plain TCP to the TLS port: no Redis reply at all
    expect(await refusal({ username: 'admin', password: password('admin') })).not.toMatch(/accepted/);
    // TLS without trusting the stack's CA: the certificate is refused
    expect(await refusal({ username: 'admin', password: password('admin'), tls: {} })).toMatch(/certificate/);
    expect(await admin().ping()).toBe('PONG');
  });

  it('refuses no password (NOAUTH), a wrong password and an unknown user (WRONGPASS); nothing written, still up', async () => {
    const tls = { ca: [ca] };
    expect(await refusal({ tls })).toMatch(/NOAUTH/);
    expect(await refusal({ tls, username: 'writer', password: 'wrong-password' })).toMatch(/WRONGPASS/);
    expect(await refusal({ tls, username: 'mallory', password: password('writer') })).toMatch(/WRONGPASS/);
    // the default user is off: a password alone does not log in
    expect(await refusal({ tls, password: password('admin') })).toMatch(/WRONGPASS/);
    const check = admin();
    expect(await check.exists('refused-key')).toBe(0);
    expect(await check.ping()).toBe('PONG');
  });

  it('the app user configured through METERSTREAM_REDIS_* (user, password, CA) connects', async () => {
    const config = loadConfig(
      { 'redis-url': redis.url },
      {
        METERSTREAM_REDIS_USERNAME: 'writer',
        METERSTREAM_REDIS_PASSWORD: password('writer'),
        METERSTREAM_REDIS_TLS_CA: bundle.paths.caCert,
      },
    );
    const { redis: app } = client(redisAuthOptions(config));
    await app.connect();
    expect(await app.acl('WHOAMI')).toBe('writer');
    expect(await app.set('app-key', 'v')).toBe('OK');
    expect(await app.get('app-key')).toBe('v');
  });

  it("a command run with the secured data directory logs in as its role, trusting the stack's CA", async () => {
    await writeStackProfile(dir, { METERSTREAM_REDIS_URL: redis.url });
    const configOf = (command: string[]) => loadConfig({ _: command, 'data-dir': dir }, {});
    const sink = configOf(['sink', 'redis']);
    expect(sink.redisUrl).toBe(redis.url);
    expect(redisAuthOptions(sink)).toEqual({
      username: 'writer',
      password: password('writer'),
      tls: { ca: [readFileSync(bundle.paths.caCert, 'utf8')] },
    });
    const { redis: writer } = client(redisAuthOptions(sink));
    await writer.connect();
    expect(await writer.acl('WHOAMI')).toBe('writer');
    expect(await writer.set('view-key', 'w')).toBe('OK');
    // serving only reads
    const { redis: serving } = client(redisAuthOptions(configOf(['serve'])));
    await serving.connect();
    expect(await serving.get('view-key')).toBe('w');
    await expect(serving.set('view-key', 'x')).rejects.toThrow(/NOPERM/);
    expect(await writer.get('view-key')).toBe('w');
  });
});

describe('meterstream apps on the secured Redis', () => {
  const appConfig = (user: string) =>
    loadConfig(
      {
        'kafka-brokers': broker.bootstrap,
        'schema-registry-url': 'none',
        'redis-url': redis.url,
        'log-level': 'silent',
      },
      {
        METERSTREAM_REDIS_USERNAME: user,
        METERSTREAM_REDIS_PASSWORD: password(user),
        METERSTREAM_REDIS_TLS_CA: bundle.paths.caCert,
      },
    );

  it('the Redis view sink (sink redis, as writer) keeps the latest aggregate', async () => {
    await createTopics(kafka, 1, 'metrics-aggregates-60', 'metrics');
    const windowStart = T0;
    const aggregate: AggregateMetric = {
      gateway: 'g1',
      metricType: 'ELECTRICITY',
      metricAttribute: 'ACTIVE_POWER',
      windowStart,
      windowEnd: windowStart + 60_000,
      sampleCount: 2,
      min: 1,
      max: 3,
      sum: 4,
      average: 2,
    };
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'metrics-aggregates-60',
      acks: -1,
      messages: [{ key: formatMetricKey(aggregate), value: aggregateJsonSerde.serialize(aggregate) }],
    });
    await producer.disconnect();
    const sink = await startRedisViewSink({
      config: appConfig('writer'),
      logger: testLogger('sink'),
      windows: [60],
      prefix: 'secure-view',
    });
    try {
      await waitFor('the aggregate written', () => sink.stats.written >= 1, 60_000);
    } finally {
      await sink.stop();
    }
    const view = new RedisServingView(admin(), { prefix: 'secure-view' });
    expect(await view.latestAggregate(60, aggregate)).toEqual(aggregate);
  }, 90_000);

  it('the aggregator with --state-store redis (as aggregator) keeps its state there and stays exact', async () => {
    await createTopics(kafka, 2, 'secure-in', 'secure-out-60');
    const metrics = workload(8, 30, 6_000);
    const aggregator = await startAggregator({
      config: appConfig('aggregator'),
      logger: testLogger('aggregator'),
      sourceTopic: 'secure-in',
      windowsSec: [60],
      graceSec: 300,
      inputFormat: 'json',
      processingGuarantee: 'exactly_once_v2',
      commitIntervalMs: 100,
      applicationId: 'secure-agg',
      instanceId: 'a',
      stateStore: 'redis',
      sessionTimeoutMs: 6_000,
      outputTopic: (w) => `secure-out-${w}`,
    });
    const reference = referenceAggregates(metrics, 60_000);
    try {
      await produceMetrics(kafka, 'secure-in', metrics);
      await produceTicks(kafka, 'secure-in', 2, T0 + 10 * 86_400_000);
      const records = await readAggregates(kafka, 'secure-out-60', { atLeast: reference.size });
      expectExactlyOnce(records, reference);
    } finally {
      await aggregator.close();
    }
    // the state is in the secured Redis, under the application's keys
    expect((await admin().keys('ms:{secure-agg:*')).length).toBeGreaterThan(0);
  }, 150_000);
});
