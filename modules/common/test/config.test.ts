import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, configYargsOptions, loadConfig } from '../src/index.js';

describe('config loader', () => {
  it('defaults point at the embedded local stack on 127.0.0.1', () => {
    const config = loadConfig({}, {});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.schemaRegistryUrl).toBe('http://127.0.0.1:8081');
    expect(config.cassandra).toEqual({
      contactPoints: ['127.0.0.1:9042'],
      localDataCenter: 'datacenter1',
      keyspace: 'metrics',
    });
    expect(config.s3.endpoint).toBe('http://127.0.0.1:9000');
    expect(config.s3.forcePathStyle).toBe(true);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.logLevel).toBe('info');
  });

  it('precedence: flag > environment > default', () => {
    const env = { METERSTREAM_KAFKA_BROKERS: 'kafka:29092', METERSTREAM_LOG_LEVEL: 'debug' };
    expect(loadConfig({}, env).kafka.brokers).toEqual(['kafka:29092']);
    expect(loadConfig({ 'kafka-brokers': 'a:1,b:2' }, env).kafka.brokers).toEqual(['a:1', 'b:2']);
    // yargs also hands camel-cased keys
    expect(loadConfig({ kafkaBrokers: 'c:3' }, env).kafka.brokers).toEqual(['c:3']);
    expect(loadConfig({}, env).logLevel).toBe('debug');
    expect(loadConfig({ 'log-level': 'warn' }, env).logLevel).toBe('warn');
    expect(loadConfig({}, {}).kafka.brokers).toEqual(['127.0.0.1:9092']);
  });

  it('"none" switches the Schema Registry off (plain Avro)', () => {
    expect(loadConfig({ 'schema-registry-url': 'none' }, {}).schemaRegistryUrl).toBeNull();
  });

  it.each([
    [
      { 'kafka-brokers': 'localhost' },
      {},
      '--kafka-brokers',
      '--kafka-brokers',
      'expected host:port, got "localhost"',
    ],
    [
      {},
      { METERSTREAM_KAFKA_BROKERS: 'h:99999' },
      '--kafka-brokers',
      'environment variable METERSTREAM_KAFKA_BROKERS',
      'port out of range',
    ],
    [
      { 'schema-registry-url': 'ftp://x' },
      {},
      '--schema-registry-url',
      '--schema-registry-url',
      'expected a http: or https: URL',
    ],
    [
      {},
      { METERSTREAM_LOG_LEVEL: 'loud' },
      '--log-level',
      'environment variable METERSTREAM_LOG_LEVEL',
      'expected one of fatal',
    ],
    [{ 'redis-url': 'http://x:1' }, {}, '--redis-url', '--redis-url', 'expected a redis: or rediss: URL'],
    [{ 's3-bucket': 'Bad_Bucket' }, {}, '--s3-bucket', '--s3-bucket', 'invalid bucket name'],
    [
      { 'cassandra-keyspace': '1metrics' },
      {},
      '--cassandra-keyspace',
      '--cassandra-keyspace',
      'expected a CQL identifier',
    ],
  ])('rejects %j %j with a message naming the option and its origin', (argv, env, option, origin, reason) => {
    let error: unknown;
    try {
      loadConfig(argv, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe(option);
    expect((error as Error).message).toContain(`(from ${origin})`);
    expect((error as Error).message).toContain(reason);
  });

  it('takes the log format from flag, environment or default (auto), and refuses others', () => {
    expect(loadConfig({}, {}).logFormat).toBe('auto');
    expect(loadConfig({}, { METERSTREAM_LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ 'log-format': 'pretty' }, { METERSTREAM_LOG_FORMAT: 'json' }).logFormat).toBe(
      'pretty',
    );
    expect(() => loadConfig({ 'log-format': 'xml' }, {})).toThrow(
      /--log-format.*expected one of auto, json, pretty/,
    );
  });

  it('exposes a yargs option for every setting, documenting its env variable', () => {
    const options = configYargsOptions();
    expect(options['kafka-brokers']?.describe).toContain('METERSTREAM_KAFKA_BROKERS');
    expect(Object.keys(options)).toHaveLength(27);
  });
});

describe('Cassandra credentials (never a password flag)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-credentials-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('none by default; username + METERSTREAM_CASSANDRA_PASSWORD; a credentials file wins over the environment', () => {
    expect(loadConfig({}, {}).cassandra.credentials).toBeUndefined();
    expect(
      loadConfig({ 'cassandra-username': 'app' }, { METERSTREAM_CASSANDRA_PASSWORD: 'from-env' }).cassandra
        .credentials,
    ).toEqual({ username: 'app', password: 'from-env' });
    const file = join(dir, 'creds');
    writeFileSync(file, '# comment\nusername=filer\npassword= spaced pw\n');
    expect(
      loadConfig({ 'cassandra-credentials-file': file }, { METERSTREAM_CASSANDRA_PASSWORD: 'from-env' })
        .cassandra.credentials,
    ).toEqual({ username: 'filer', password: ' spaced pw' });
    const passwordOnly = join(dir, 'pw-only');
    writeFileSync(passwordOnly, 'password=p\n');
    expect(
      loadConfig({ 'cassandra-username': 'u', 'cassandra-credentials-file': passwordOnly }, {}).cassandra
        .credentials,
    ).toEqual({ username: 'u', password: 'p' });
    expect(loadConfig({ 'cassandra-tls-ca': '/etc/ca.pem' }, {}).cassandra.tlsCaFile).toBe('/etc/ca.pem');
  });

  it('a username without a password, a password without a username or an unreadable file is a ConfigError', () => {
    expect(() => loadConfig({ 'cassandra-username': 'app' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({}, { METERSTREAM_CASSANDRA_PASSWORD: 'pw' })).toThrow(/no username/);
    expect(() => loadConfig({ 'cassandra-credentials-file': join(dir, 'missing') }, {})).toThrow(
      /cannot read it/,
    );
    expect(Object.keys(configYargsOptions())).not.toContain('cassandra-password');
  });
});
