import { loadConfig, redisAuthOptions } from '@meterstream/common';
import { startRedisServer, type TestRedis } from '@meterstream/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAclFile, type UserCredential } from '../src/index.js';

const users: UserCredential[] = [
  { username: 'aggregator', password: 'agg-pw-123', access: 'write' },
  { username: 'serving', password: 'serving-pw-456', access: 'read' },
];
let redis: TestRedis;
const clients: Redis[] = [];
/** Errors ioredis reported on each client (a refused AUTH arrives as an 'error' event). */
const errors = new Map<Redis, string[]>();
const connect = (auth: { username?: string; password?: string }) => {
  const client = new Redis({
    enableReadyCheck: false,
    host: redis.host,
    port: redis.port,
    ...auth,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  errors.set(client, []);
  client.on('error', (error: Error) => errors.get(client)?.push(error.message));
  clients.push(client);
  return client;
};
const admin = () => connect({ username: 'aggregator', password: 'agg-pw-123' });

beforeAll(async () => {
  redis = await startRedisServer({ users });
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis?.stop();
});

describe('redis-server with an ACL file (ioredis)', () => {
  it('refuses a client without a password: NOAUTH', async () => {
    const client = connect({});
    const refused = await client.connect().then(
      () => client.set('k', 'v'),
      (error: Error) => error.message,
    );
    expect([refused, ...(errors.get(client) ?? [])].join(' | ')).toMatch(/NOAUTH/);
  });

  it('refuses a wrong password and an unknown user: WRONGPASS', async () => {
    for (const auth of [
      { username: 'aggregator', password: 'nope' },
      { username: 'mallory', password: 'agg-pw-123' },
      { password: 'agg-pw-123' },
    ]) {
      const client = connect(auth);
      const refused = await client.connect().then(
        () => client.set('k', 'v'),
        (error: Error) => error.message,
      );
      expect([refused, ...(errors.get(client) ?? [])].join(' | '), JSON.stringify(auth)).toMatch(/WRONGPASS/);
    }
    expect(await admin().exists('k')).toBe(0);
  });

  it('lets a read-only user read but not write (NOPERM, nothing written); the writer writes', async () => {
    const writer = admin();
    await writer.set('view:1', 'a');
    const reader = connect({ username: 'serving', password: 'serving-pw-456' });
    expect(await reader.get('view:1')).toBe('a');
    await expect(reader.set('view:1', 'b')).rejects.toThrow(/NOPERM/);
    await expect(reader.set('view:2', 'b')).rejects.toThrow(/NOPERM/);
    expect(await writer.get('view:1')).toBe('a');
    expect(await writer.exists('view:2')).toBe(0);
    await expect(writer.flushall()).rejects.toThrow(/NOPERM/);
    expect(await writer.ping()).toBe('PONG');
  });

  it('an app configured through METERSTREAM_REDIS_USERNAME / _PASSWORD connects (redisAuthOptions)', async () => {
    const config = loadConfig(
      {},
      {
        METERSTREAM_REDIS_URL: redis.url,
        METERSTREAM_REDIS_USERNAME: 'aggregator',
        METERSTREAM_REDIS_PASSWORD: 'agg-pw-123',
      },
    );
    const app = new Redis(config.redisUrl, { ...redisAuthOptions(config), lazyConnect: true });
    clients.push(app);
    await app.connect();
    expect(await app.acl('WHOAMI')).toBe('aggregator');
    const unconfigured = loadConfig({}, { METERSTREAM_REDIS_URL: redis.url });
    expect(redisAuthOptions(unconfigured)).toEqual({});
  });

  it('keeps no plaintext password in the ACL file', () => {
    const text = redisAclFile(users);
    expect(text).toMatch(/^user default off$/m);
    for (const u of users) expect(text).not.toContain(u.password);
  });
});
