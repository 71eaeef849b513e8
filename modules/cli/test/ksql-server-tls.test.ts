import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  type RunningBroker,
  type SchemaRegistryServer,
  startBroker,
  startSchemaRegistry,
} from '@meterstream/broker';
import { type SecurityBundle, ensureSecurityBundle } from '@meterstream/security';
import { testLogger } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningKsqlServer, startKsqlServerProcess } from '../src/stack/ksql-server-process.js';

const CLI_MAIN = resolve(import.meta.dirname, '../dist/main.js');
const run = promisify(execFile);

let dir: string;
let broker: RunningBroker;
let registry: SchemaRegistryServer;
let bundle: SecurityBundle;
let server: RunningKsqlServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-ksql-tls-'));
  const logger = testLogger();
  broker = await startBroker({ port: 0, dataDir: join(dir, 'kafka'), logger });
  registry = await startSchemaRegistry({ port: 0, dataDir: join(dir, 'registry'), logger });
  bundle = await ensureSecurityBundle(join(dir, 'stack'));
  server = await startKsqlServerProcess({
    cliMain: CLI_MAIN,
    port: 0,
    env: {
      METERSTREAM_KAFKA_BROKERS: broker.bootstrap,
      METERSTREAM_SCHEMA_REGISTRY_URL: registry.url,
      METERSTREAM_DATA_DIR: join(dir, 'ksql-data'),
      METERSTREAM_LOG_LEVEL: 'warn',
    },
    args: [
      '--credentials',
      bundle.paths.credentials,
      '--tls-cert',
      bundle.paths.serverCert,
      '--tls-key',
      bundle.paths.serverKey,
    ],
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await registry?.close();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ksqlPassword = () => bundle.users.find((u) => u.username === 'ksql')!.password;

/** `meterstream ksql` as a user runs it against the secured server; never throws. */
async function ksql(env: Record<string, string>, statement: string, flags: string[] = []) {
  return run(
    process.execPath,
    [CLI_MAIN, 'ksql', '--server-url', server.url, '--user', 'ksql', ...flags, '--execute', statement],
    {
      env: { ...process.env, METERSTREAM_LOG_LEVEL: 'warn', ...env },
      timeout: 60_000,
    },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code?: number; stdout?: string; stderr?: string }) => ({
      code: err.code ?? -1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    }),
  );
}

describe('meterstream ksql-server --tls-cert/--tls-key', () => {
  it('listens on https; `meterstream ksql --tls-ca` trusting the bundle CA runs statements', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const env = { METERSTREAM_KSQL_PASSWORD: ksqlPassword() };
    const created = await ksql(
      env,
      "CREATE STREAM readings (meter STRING KEY, kwh DOUBLE) WITH (kafka_topic='readings', partitions=1, value_format='JSON');",
      ['--tls-ca', bundle.paths.caCert],
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    // Node's own NODE_EXTRA_CA_CERTS works too (the global fetch trusts it)
    const shown = await ksql({ ...env, NODE_EXTRA_CA_CERTS: bundle.paths.caCert }, 'SHOW STREAMS;');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/READINGS/);
  });

  it('a client that does not trust the CA fails with an error naming the certificate, and nothing leaks the password', async () => {
    const refused = await ksql({ METERSTREAM_KSQL_PASSWORD: ksqlPassword() }, 'SHOW STREAMS;');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/cannot trust ksqlDB.s TLS certificate at https:.*--tls-ca <file>/);
    const unreadable = await ksql({ METERSTREAM_KSQL_PASSWORD: ksqlPassword() }, 'SHOW STREAMS;', [
      '--tls-ca',
      join(dir, 'no-such-ca.crt'),
    ]);
    expect(unreadable.code).not.toBe(0);
    expect(unreadable.stderr).toMatch(/--tls-ca.*no-such-ca\.crt.*cannot read the CA/);
    expect(refused.stdout + refused.stderr).not.toContain(ksqlPassword());
  });
});
