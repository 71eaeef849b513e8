import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { Kafka, type ISocketFactory, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, waitForProcess } from './helpers/cli-process.js';

/**
 * `meterstream up --host 0.0.0.0 --secure`: it starts, and clients reach every TLS server through
 * 127.0.0.1 (the only address this test connects to) checking the generated certificate, under
 * the name `up` tells them to use (the host name) as well as 127.0.0.1. Without --secure, up
 * refuses a non-loopback address of this host.
 */
const dir = mkdtempSync(join(tmpdir(), 'ms-up-bind-all-'));
let up: CliProcess;
let env: Record<string, string>;
let ca: string;
let admin: { username: string; password: string };

/** This host's non-loopback addresses (what a user would connect to from elsewhere). */
const externalAddresses = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .filter((a) => !a.internal && !a.address.toLowerCase().startsWith('fe80:'))
  .map((a) => a.address);

/** host:port → its port (the advertised host is this machine's name). */
const portOf = (hostPort: string) => Number(/:(\d+)$/.exec(hostPort)![1]);

beforeAll(async () => {
  const freePorts = ['kafka', 'schema-registry', 'cassandra', 's3', 'redis'].flatMap((n) => [
    `--${n}-port`,
    '0',
  ]);
  up = runCli(['up', '--host', '0.0.0.0', '--secure', ...freePorts, '--no-ksql'], {
    METERSTREAM_DATA_DIR: dir,
  });
  await waitForProcess(
    up,
    '`up --host 0.0.0.0 --secure` to start',
    () => {
      if (up.child.exitCode !== null) throw new Error(`up exited with ${up.child.exitCode}: ${up.output()}`);
      return up.output().includes('Ctrl-C stops everything');
    },
    150_000,
  );
  env = Object.fromEntries(
    [...up.output().matchAll(/^ {2}export (METERSTREAM_\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  ca = readFileSync(join(dir, 'security', 'ca.crt'), 'utf8');
  const users = JSON.parse(readFileSync(join(dir, 'security', 'credentials.json'), 'utf8')) as {
    users: { username: string; password: string }[];
  };
  admin = users.users.find((u) => u.username === 'admin')!;
}, 180_000);

afterAll(async () => {
  up?.kill('SIGTERM');
  await up?.exited;
  rmSync(dir, { recursive: true, force: true });
});

describe('meterstream up --host 0.0.0.0 --secure', () => {
  it("tells clients this host's name, which the server certificate names with loopback and the host's addresses", () => {
    expect(env.METERSTREAM_KAFKA_BROKERS).toBe(`${hostname()}:${portOf(env.METERSTREAM_KAFKA_BROKERS!)}`);
    expect(env.METERSTREAM_REDIS_URL).toMatch(new RegExp(`^rediss://${hostname()}:\\d+$`));
    for (const name of ['METERSTREAM_SCHEMA_REGISTRY_URL', 'METERSTREAM_S3_ENDPOINT'])
      expect(new URL(env[name]!).hostname, name).toBe(hostname());
    // a wildcard is where servers listen, not an address to give clients
    for (const value of Object.values(env)) expect(value).not.toMatch(/0\.0\.0\.0|\[::\]/);
    const cert = new X509Certificate(readFileSync(join(dir, 'security', 'server.crt')));
    expect(cert.verify(new X509Certificate(ca).publicKey)).toBe(true);
    for (const name of ['localhost', hostname()]) expect(cert.checkHost(name), name).toBe(name);
    for (const address of ['127.0.0.1', '::1', ...externalAddresses])
      expect(cert.checkIP(address), address).toBe(address);
  });

  it('Kafka: SCRAM over TLS through 127.0.0.1, checking the certificate under the advertised name', async () => {
    // every connection (bootstrap and the advertised broker) goes to 127.0.0.1; TLS checks the name
    const viaLoopback: ISocketFactory = ({ host, port, ssl, onConnect }) =>
      tlsConnect({ ...ssl, host: '127.0.0.1', port, ...(isIP(host) ? {} : { servername: host }) }, onConnect);
    const kafka = new Kafka({
      brokers: [`127.0.0.1:${portOf(env.METERSTREAM_KAFKA_BROKERS!)}`],
      clientId: 'bind-all-test',
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      socketFactory: viaLoopback,
      ssl: { ca: [ca], rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', ...admin },
    });
    const client = kafka.admin();
    await client.connect();
    try {
      await client.createTopics({ topics: [{ topic: 'bind-all', numPartitions: 1 }] });
      expect(await client.listTopics()).toContain('bind-all');
    } finally {
      await client.disconnect();
    }
  }, 60_000);

  it('CQL: PasswordAuthenticator over TLS through 127.0.0.1', async () => {
    const client = new cassandra.Client({
      contactPoints: [`127.0.0.1:${portOf(env.METERSTREAM_CASSANDRA_CONTACT_POINTS!)}`],
      localDataCenter: 'datacenter1',
      sslOptions: { ca: [ca], rejectUnauthorized: true },
      authProvider: new cassandra.auth.PlainTextAuthProvider(admin.username, admin.password),
    });
    try {
      expect((await client.execute('SELECT release_version FROM system.local')).rows).toHaveLength(1);
    } finally {
      await client.shutdown();
    }
  }, 60_000);

  it('Redis: ACL user over TLS through 127.0.0.1, under 127.0.0.1 and under the host name', async () => {
    const port = portOf(env.METERSTREAM_REDIS_URL!);
    for (const servername of [undefined, hostname()]) {
      const redis = new Redis({
        host: '127.0.0.1',
        port,
        ...admin,
        tls: { ca: [ca], ...(servername ? { servername } : {}) },
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await redis.connect();
        expect(await redis.acl('WHOAMI')).toBe('admin');
      } finally {
        redis.disconnect();
      }
    }
  });
});

describe('up beyond loopback without --secure', () => {
  const empty = mkdtempSync(join(tmpdir(), 'ms-bind-refused-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  // checked only to be refused: nothing listens on it
  const address = externalAddresses.find((a) => isIP(a) === 4) ?? '0.0.0.0';
  it(`up --host ${address} (an address of this host) is refused in one line, before any server starts`, async () => {
    const proc = runCli(['up', '--host', address], { METERSTREAM_DATA_DIR: empty });
    expect(await proc.exited).not.toBe(0);
    const lines = proc.output().trim().split('\n');
    expect(lines, proc.output()).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`refusing to listen on ${address.replaceAll('.', '\\.')}.*--insecure`),
    );
  }, 60_000);
});
