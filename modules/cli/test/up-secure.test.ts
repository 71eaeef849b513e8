import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { freePort } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, waitFor, waitForProcess } from './helpers/cli-process.js';
import { httpsGet, plainHttpTo, pythonHttpsStatus } from './helpers/https-probes.js';
import { cqlLogin, kafkaLogin, redisLogin, registryLogin, s3Login } from './helpers/secure-logins.js';

/**
 * `meterstream up --secure` end to end, with the real clients over TCP: the bundle it generates,
 * each server refusing clients without (or with wrong) credentials, and meterstream apps that find
 * their login in the data directory with nothing else set.
 */
const dir = mkdtempSync(join(tmpdir(), 'ms-up-secure-'));
let up: CliProcess;
let env: Record<string, string>;
let passwords: Map<string, string>;
let ca: string;

const appOutputs: string[] = [];

beforeAll(async () => {
  const freePorts = ['kafka', 'schema-registry', 'cassandra', 's3', 'redis'].flatMap((n) => [
    `--${n}-port`,
    '0',
  ]);
  up = runCli(['up', '--secure', ...freePorts, '--no-ksql'], { METERSTREAM_DATA_DIR: dir });
  await waitForProcess(up, '`up --secure` to start', () => started(up), 150_000);
  env = Object.fromEntries(
    [...up.output().matchAll(/^ {2}export (METERSTREAM_\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  const file = JSON.parse(readFileSync(join(dir, 'security', 'credentials.json'), 'utf8')) as {
    users: { username: string; password: string }[];
  };
  passwords = new Map(file.users.map((u) => [u.username, u.password]));
  ca = readFileSync(join(dir, 'security', 'ca.crt'), 'utf8');
}, 180_000);

/** The banner is out; throws (ending the wait) when `up` exited first. */
function started(proc: CliProcess): boolean {
  if (proc.child.exitCode !== null)
    throw new Error(`up exited with ${proc.child.exitCode}: ${proc.output()}`);
  return proc.output().includes('Ctrl-C stops everything');
}

afterAll(async () => {
  up?.kill('SIGTERM');
  await up?.exited;
  rmSync(dir, { recursive: true, force: true });
});

function kafka(login: KafkaConfig['sasl'] | undefined): Kafka {
  return new Kafka({
    brokers: env.METERSTREAM_KAFKA_BROKERS!.split(','),
    clientId: 'up-secure-test',
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 5000,
    ssl: { ca: [ca], rejectUnauthorized: true },
    ...(login ? { sasl: login } : {}),
  });
}
const scram = (username: string, password = passwords.get(username)!) =>
  ({ mechanism: 'scram-sha-512', username, password }) as const;

describe('meterstream up --secure', () => {
  it('generates owner-only credentials and a CA in the data directory and prints the credentials once', () => {
    expect(statSync(join(dir, 'security')).mode & 0o777).toBe(0o700);
    for (const name of ['credentials.json', 'ca.key', 'server.key', 'ca.crt'])
      expect(statSync(join(dir, 'security', name)).mode & 0o777).toBe(0o600);
    expect([...passwords.keys()]).toEqual(
      expect.arrayContaining(['admin', 'replay', 'aggregator', 'writer', 'sink', 'batch', 'serving', 'ksql']),
    );
    const output = up.output();
    for (const password of passwords.values()) expect(output.split(password).length - 1).toBe(1);
    // the exported environment names the data directory, never a secret
    expect(env.METERSTREAM_DATA_DIR).toBe(dir);
    for (const value of Object.values(env))
      for (const p of passwords.values()) expect(value).not.toContain(p);
  });

  it('Kafka: SASL_SSL with SCRAM-SHA-512 and ACLs per role', async () => {
    const admin = kafka(scram('admin')).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'secure-probe', numPartitions: 1 }] });
    await admin.disconnect();

    const producer = kafka(scram('replay')).producer();
    await producer.connect();
    await producer.send({ topic: 'secure-probe', messages: [{ value: 'authenticated' }] });
    await producer.disconnect();

    await expect(kafka(scram('replay', 'wrong-password')).producer().connect()).rejects.toThrow(
      /SASL SCRAM SHA512 authentication failed/,
    );
    await expect(kafka(scram('nobody', 'x')).admin().connect()).rejects.toThrow(
      /SASL SCRAM SHA512 authentication failed/,
    );
    // no SASL at all: the broker answers nothing but the handshake before a login
    const anonymous = kafka(undefined).admin();
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow();
    await anonymous.disconnect();
    // serving may read, not write
    const reader = kafka(scram('serving')).producer();
    await reader.connect();
    await expect(reader.send({ topic: 'secure-probe', messages: [{ value: 'x' }] })).rejects.toThrow(
      /[Nn]ot authorized|TOPIC_AUTHORIZATION_FAILED/,
    );
    await reader.disconnect();
  }, 60_000);

  it('kcat (librdkafka): SCRAM-SHA-512 over TLS from a properties file, as README "Security" shows', () => {
    // -m: the metadata timeout; a refused login is retried until it passes, so that one waits less
    const kcat = (password: string, metadataTimeout = 10) => {
      const file = join(dir, 'kcat.properties');
      writeFileSync(
        file,
        [
          'security.protocol=SASL_SSL',
          'sasl.mechanisms=SCRAM-SHA-512',
          'sasl.username=admin',
          `sasl.password=${password}`,
          `ssl.ca.location=${join(dir, 'security', 'ca.crt')}`,
        ].join('\n'),
        { mode: 0o600 },
      );
      return spawnSync(
        'kcat',
        ['-F', file, '-L', '-b', env.METERSTREAM_KAFKA_BROKERS!, '-m', String(metadataTimeout)],
        {
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
    };
    const ok = kcat(passwords.get('admin')!);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Metadata for all topics/);
    const refused = kcat('wrong-password', 3);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/[Aa]uthentication failed|SASL/);
  }, 60_000);

  it('Cassandra: PasswordAuthenticator over TLS, a login per role', async () => {
    const client = (auth?: [string, string]) =>
      new cassandra.Client({
        contactPoints: [env.METERSTREAM_CASSANDRA_CONTACT_POINTS!],
        localDataCenter: 'datacenter1',
        sslOptions: { ca: [ca], rejectUnauthorized: true },
        ...(auth ? { authProvider: new cassandra.auth.PlainTextAuthProvider(...auth) } : {}),
      });
    const serving = client(['serving', passwords.get('serving')!]);
    try {
      const rs = await serving.execute('SELECT release_version FROM system.local');
      expect(rs.rows).toHaveLength(1);
    } finally {
      await serving.shutdown();
    }
    const anonymous = client();
    await expect(anonymous.connect()).rejects.toThrow(/[Aa]uthenticat/);
    await anonymous.shutdown();
    const wrong = client(['serving', 'wrong-password']);
    await expect(wrong.connect()).rejects.toThrow(/incorrect/);
    await wrong.shutdown();
  }, 60_000);

  /**
   * An HTTP endpoint of the secured stack: https:// only (plain HTTP to its port gets no answer), a
   * client without the stack CA refused by its own certificate check, Debian's python3 urllib with
   * the CA answered `anonymous` (the endpoint's refusal without credentials), and still serving.
   */
  async function expectHttpsOnly(endpoint: string, path: string, anonymous: string): Promise<void> {
    expect(endpoint).toMatch(/^https:\/\//);
    expect(await plainHttpTo(endpoint)).toMatch(/socket hang up|ECONNRESET/);
    await expect(fetch(`${endpoint}${path}`)).rejects.toThrow();
    expect(pythonHttpsStatus(`${endpoint}${path}`, join(dir, 'security', 'ca.crt'))).toBe(anonymous);
  }

  it('Schema Registry: HTTPS only; 401 without credentials, 200 with a role', async () => {
    const endpoint = env.METERSTREAM_SCHEMA_REGISTRY_URL!;
    await expectHttpsOnly(endpoint, '/subjects', '401');
    const anonymous = await httpsGet(`${endpoint}/subjects`, ca);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
    expect(await registryLogin({ env, ca }, 'serving', 'wrong-password')).toMatch(/HTTP 401/);
    expect(await registryLogin({ env, ca }, 'serving', passwords.get('serving')!)).toBe('ok');
  });

  it('S3: HTTPS only, trusting the stack CA; the server keeps serving', async () => {
    const endpoint = env.METERSTREAM_S3_ENDPOINT!;
    await expectHttpsOnly(endpoint, `/${env.METERSTREAM_S3_BUCKET}`, '403');
    expect(await s3Login({ env, ca }, 'admin', passwords.get('admin')!)).toBe('ok');
  });

  it('Redis: the ACL users of the bundle over TLS, no default user', async () => {
    const redisUrl = env.METERSTREAM_REDIS_URL;
    expect(redisUrl).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+$/);
    const anonymous = new Redis(redisUrl!, {
      tls: { ca: [ca] },
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const errors: string[] = [];
    anonymous.on('error', (error: Error) => errors.push(error.message));
    // ioredis 6 says HELLO first: the refusal comes at connect or at the first command
    const refused = await anonymous.connect().then(
      () => anonymous.set('k', 'v'),
      (error: Error) => error.message,
    );
    expect([refused, ...errors].join(' | ')).toMatch(/NOAUTH/);
    anonymous.disconnect();
    const stack = { env, ca };
    expect(await redisLogin(stack, 'writer', 'wrong-password')).toMatch(/WRONGPASS/);
    const writer = new Redis(redisUrl!, {
      username: 'writer',
      password: passwords.get('writer')!,
      tls: { ca: [ca] },
      lazyConnect: true,
    });
    await writer.connect();
    expect(await writer.set('k', 'v')).toBe('OK');
    writer.disconnect();
  });

  it('replay and aggregate log in from the data directory alone and produce aggregates; /metrics and serve over HTTPS; no secret in their output', async () => {
    const run = async (args: string[]) => {
      const proc = runCli(args, env);
      const code = await proc.exited;
      appOutputs.push(proc.output());
      expect(code, proc.output()).toBe(0);
    };
    await run(['topics', 'create']);
    const metricsPort = await freePort();
    const aggregate = runCli(
      [
        'aggregate',
        '--metrics-port',
        String(metricsPort),
        '--window',
        '60',
        '--grace',
        '0',
        '--application-id',
        'secure-agg',
        '--commit-interval-ms',
        '500',
      ],
      env,
    );
    try {
      await run([
        'replay',
        '--synthetic',
        '--start',
        '2024-01-01T00:00:00Z',
        '--gateways',
        '0',
        '--rate',
        '0',
        '--message-count',
        '80',
      ]);
      const consumer = kafka(scram('admin')).consumer({ groupId: 'secure-test-reader' });
      let aggregates = 0;
      await consumer.connect();
      await consumer.subscribe({ topic: 'metrics-aggregates-60', fromBeginning: true });
      await consumer.run({
        eachMessage: async () => {
          aggregates += 1;
        },
      });
      try {
        await waitForProcess(aggregate, 'aggregates of the replayed readings', () => aggregates > 0, 120_000);
      } finally {
        await consumer.disconnect();
      }
      expect(aggregates).toBeGreaterThan(0);
      // the app's /metrics: HTTPS with the stack's certificate, any stack user may scrape
      const metricsUrl = `https://127.0.0.1:${metricsPort}/metrics`;
      await expectHttpsOnly(`https://127.0.0.1:${metricsPort}`, '/metrics', '401');
      const scraped = await httpsGet(metricsUrl, ca, ['admin', passwords.get('admin')!]);
      expect(scraped.status).toBe(200);
      expect(scraped.body).toMatch(/^meterstream_/m);
      await expectServeOverHttps(metricsUrl);
    } finally {
      aggregate.kill('SIGTERM');
      await aggregate.exited;
      appOutputs.push(aggregate.output());
    }
    for (const output of appOutputs) for (const p of passwords.values()) expect(output).not.toContain(p);
  }, 240_000);

  /**
   * `serve` on the secured stack: HTTPS and Basic auth by itself, and its dashboard scrapes the
   * app's HTTPS /metrics (`--health-targets`) with the stack CA and its own login.
   */
  async function expectServeOverHttps(metricsUrl: string): Promise<void> {
    const port = await freePort();
    const serve = runCli(
      ['serve', '--port', String(port), '--health-targets', `aggregate-60=${metricsUrl}`],
      env,
    );
    try {
      await waitForProcess(
        serve,
        'serve listening over HTTPS',
        () => /serving layer listening on https:\/\//.test(serve.output()),
        90_000,
      );
      const base = `https://127.0.0.1:${port}`;
      await expectHttpsOnly(base, '/pipeline', '401');
      const pipeline = await httpsGet(`${base}/pipeline`, ca, ['serving', passwords.get('serving')!]);
      expect(pipeline.status, pipeline.body).toBe(200);
      const { apps } = JSON.parse(pipeline.body) as { apps: { name: string; up: boolean; error?: string }[] };
      expect(apps).toEqual([expect.objectContaining({ name: 'aggregate-60', up: true })]);
    } finally {
      serve.kill('SIGTERM');
      await serve.exited;
      appOutputs.push(serve.output());
    }
  }

  it('--rotate-passwords: a restart gives every user, admin included, a new password every server takes', async () => {
    up.kill('SIGTERM');
    expect(await up.exited).toBe(0);
    const before = new Map(passwords);
    const freePorts = ['kafka', 'schema-registry', 'cassandra', 's3', 'redis'].flatMap((n) => [
      `--${n}-port`,
      '0',
    ]);
    up = runCli(['up', '--secure', '--rotate-passwords', ...freePorts, '--no-ksql'], {
      METERSTREAM_DATA_DIR: dir,
    });
    await waitForProcess(up, 'the restart', () => started(up), 150_000);
    env = Object.fromEntries(
      [...up.output().matchAll(/^ {2}export (METERSTREAM_\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    const file = JSON.parse(readFileSync(join(dir, 'security', 'credentials.json'), 'utf8')) as {
      users: { username: string; password: string }[];
    };
    passwords = new Map(file.users.map((u) => [u.username, u.password]));
    for (const user of ['admin', 'replay', 'serving', 'writer']) {
      expect(passwords.get(user)).not.toBe(before.get(user));
      expect(up.output()).toContain(passwords.get(user));
    }
    const stack = { env, ca };
    // admin on every server that has it: the old password refused with the protocol's error, the new one taken
    const logins = { kafkaLogin, cqlLogin, registryLogin, s3Login, redisLogin };
    const refusals: Record<keyof typeof logins, RegExp> = {
      kafkaLogin: /SASL SCRAM SHA512 authentication failed/,
      cqlLogin: /incorrect/,
      registryLogin: /HTTP 401/,
      s3Login: /InvalidAccessKeyId|SignatureDoesNotMatch/,
      redisLogin: /WRONGPASS/,
    };
    for (const [name, login] of Object.entries(logins) as [keyof typeof logins, typeof kafkaLogin][]) {
      expect(await login(stack, 'admin', before.get('admin')!), name).toMatch(refusals[name]);
      expect(await login(stack, 'admin', passwords.get('admin')!), name).toBe('ok');
    }
    // and an application role
    expect(await kafkaLogin(stack, 'replay', before.get('replay')!)).toMatch(refusals.kafkaLogin);
    expect(await cqlLogin(stack, 'serving', before.get('serving')!)).toMatch(refusals.cqlLogin);
    expect(await redisLogin(stack, 'writer', before.get('writer')!)).toMatch(refusals.redisLogin);
    expect(await cqlLogin(stack, 'serving', passwords.get('serving')!)).toBe('ok');
    expect(await redisLogin(stack, 'writer', passwords.get('writer')!)).toBe('ok');
  }, 240_000);

  it('--help shows no secret', async () => {
    for (const command of ['up', 'replay', 'aggregate']) {
      const help = runCli([command, '--help'], env);
      await help.exited;
      for (const p of passwords.values()) expect(help.output()).not.toContain(p);
    }
  }, 60_000);
});

describe('binding beyond loopback', () => {
  const empty = mkdtempSync(join(tmpdir(), 'ms-bind-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it.each([
    [['up', '--host', '0.0.0.0'], /meterstream up.*--secure.*refusing to listen on 0\.0\.0\.0.*--insecure/],
    [['broker', '--host', '0.0.0.0'], /meterstream broker: refusing to listen on 0\.0\.0\.0.*--insecure/],
    [
      ['cql-server', '--host', '0.0.0.0'],
      /meterstream cql-server: refusing to listen on 0\.0\.0\.0.*--insecure/,
    ],
    [
      ['s3-server', '--host', '0.0.0.0'],
      /meterstream s3-server: refusing to listen on 0\.0\.0\.0.*--insecure/,
    ],
    [
      ['ksql-server', '--host', '0.0.0.0'],
      /meterstream ksql-server: refusing to listen on 0\.0\.0\.0.*--insecure/,
    ],
    [['serve', '--host', '0.0.0.0'], /meterstream serve: refusing to listen on 0\.0\.0\.0.*--insecure/],
  ])(
    '%j is refused in one line without --secure or --insecure',
    async (args, message) => {
      const proc = runCli(args, { METERSTREAM_DATA_DIR: empty });
      expect(await proc.exited).not.toBe(0);
      const lines = proc.output().trim().split('\n');
      expect(lines, proc.output()).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    },
    60_000,
  );

  it('--insecure lets a server bind every interface', async () => {
    const proc = runCli(['cql-server', '--host', '0.0.0.0', '--port', '0', '--insecure'], {
      METERSTREAM_DATA_DIR: empty,
    });
    try {
      await waitFor(
        'the CQL server on 0.0.0.0',
        () => /listening on 0\.0\.0\.0:\d+/.test(proc.output()),
        60_000,
      );
    } finally {
      proc.kill('SIGTERM');
      await proc.exited;
    }
  }, 90_000);
});
