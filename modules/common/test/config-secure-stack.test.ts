import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, basicAuthHeaders, loadConfig, roleForCommand } from '../src/index.js';

/** A data directory as `meterstream up --secure` leaves it (the files loadConfig reads). */
const dir = mkdtempSync(join(tmpdir(), 'ms-secure-config-'));
const security = join(dir, 'security');
const users = [
  { username: 'admin', password: 'admin-pw', access: 'admin' },
  { username: 'sink', password: 'sink-pw', access: 'write' },
  { username: 'serving', password: 'serving-pw', access: 'read' },
];

beforeAll(() => {
  mkdirSync(security, { mode: 0o700 });
  writeFileSync(join(security, 'credentials.json'), JSON.stringify({ users }), { mode: 0o600 });
  writeFileSync(join(security, 'ca.crt'), 'not read by loadConfig', { mode: 0o600 });
  writeFileSync(
    join(security, 'stack.json'),
    JSON.stringify({
      kafkaSaslMechanism: 'scram-sha-512',
      endpoints: {
        METERSTREAM_KAFKA_BROKERS: '127.0.0.1:41001',
        METERSTREAM_SCHEMA_REGISTRY_URL: 'http://127.0.0.1:41002',
        METERSTREAM_S3_ENDPOINT: 'http://127.0.0.1:41003',
      },
    }),
    { mode: 0o600 },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { METERSTREAM_DATA_DIR: dir };

describe('loadConfig on a stack started with `up --secure`', () => {
  it("logs the command's role in everywhere and takes the stack's endpoints", () => {
    const config = loadConfig({ _: ['sink', 's3'] }, env);
    expect(config.securityUser).toBe('sink');
    expect(config.kafka.brokers).toEqual(['127.0.0.1:41001']);
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'sink', password: 'sink-pw' });
    expect(config.kafka.tlsCaFile).toBe(join(security, 'ca.crt'));
    expect(config.schemaRegistryAuth).toEqual({ username: 'sink', password: 'sink-pw' });
    expect(config.cassandra.credentials).toEqual({ username: 'sink', password: 'sink-pw' });
    expect(config.cassandra.tlsCaFile).toBe(join(security, 'ca.crt'));
    expect(config.s3).toMatchObject({
      endpoint: 'http://127.0.0.1:41003',
      accessKeyId: 'sink',
      secretAccessKey: 'sink-pw',
    });
    expect(config.redisAuth).toEqual({ username: 'sink', password: 'sink-pw' });
    // the registry clients of the process get the login by the registry's origin
    expect(basicAuthHeaders('http://127.0.0.1:41002/subjects')).toEqual({
      Authorization: `Basic ${Buffer.from('sink:sink-pw').toString('base64')}`,
    });
  });

  it('maps commands to roles; server commands never log in as clients', () => {
    expect(roleForCommand(['serve'])).toBe('serving');
    expect(roleForCommand(['sink', 'cassandra'])).toBe('writer');
    expect(roleForCommand(['aggregate'])).toBe('aggregator');
    expect(roleForCommand(['topics', 'create'])).toBe('admin');
    expect(roleForCommand(['up'])).toBeNull();
    const up = loadConfig({ _: ['up'] }, env);
    expect(up.securityUser).toBeUndefined();
    expect(up.kafka.sasl).toBeUndefined();
  });

  it('--role picks another user; flags and environment variables still win', () => {
    expect(loadConfig({ _: ['serve'], role: 'admin' }, env).kafka.sasl?.username).toBe('admin');
    const config = loadConfig(
      { _: ['serve'], 'kafka-brokers': 'elsewhere:9092' },
      { ...env, METERSTREAM_S3_ACCESS_KEY_ID: 'mine', METERSTREAM_S3_SECRET_ACCESS_KEY: 'my-secret' },
    );
    expect(config.kafka.brokers).toEqual(['elsewhere:9092']);
    expect(config.s3).toMatchObject({ accessKeyId: 'mine', secretAccessKey: 'my-secret' });
    expect(config.kafka.sasl?.username).toBe('serving');
  });

  it('names an unknown role and refuses credentials others may read', () => {
    expect(() => loadConfig({ _: ['serve'], role: 'ghost' }, env)).toThrow(/no user "ghost"/);
    chmodSync(join(security, 'credentials.json'), 0o644);
    try {
      expect(() => loadConfig({ _: ['serve'] }, env)).toThrow(ConfigError);
      expect(() => loadConfig({ _: ['serve'] }, env)).toThrow(/chmod 600/);
    } finally {
      chmodSync(join(security, 'credentials.json'), 0o600);
    }
  });

  it('a data directory without stack.json changes nothing', () => {
    const plain = loadConfig({ _: ['serve'] }, { METERSTREAM_DATA_DIR: join(dir, 'other') });
    expect(plain.securityUser).toBeUndefined();
    expect(plain.kafka.sasl).toBeUndefined();
    expect(plain.s3.accessKeyId).toBe('meterstream');
  });

  it('explicit SASL settings need the password from the environment, never a flag', () => {
    expect(() => loadConfig({ 'kafka-sasl-username': 'u' }, {})).toThrow(/METERSTREAM_KAFKA_SASL_PASSWORD/);
    const config = loadConfig(
      { 'kafka-sasl-username': 'u', 'kafka-sasl-mechanism': 'PLAIN' },
      {
        METERSTREAM_KAFKA_SASL_PASSWORD: 'p',
      },
    );
    expect(config.kafka.sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'p' });
  });
});
