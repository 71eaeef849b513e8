import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, waitForProcess } from './helpers/cli-process.js';

/** `meterstream broker` with the security flags of `meterstream-broker`, checked with kafkajs and fetch. */
describe('meterstream broker security flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-broker-sec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SASL users from a file, ACLs with a super user, Basic auth on the registry; on 0.0.0.0 without --insecure', async () => {
    const users = join(dir, 'users.txt');
    writeFileSync(users, 'admin:admin-secret-1\nalice:alice-secret-2\n', { mode: 0o600 });
    const credentials = join(dir, 'registry.json');
    writeFileSync(
      credentials,
      JSON.stringify({ users: [{ username: 'admin', password: 'admin-secret-1', access: 'admin' }] }),
      { mode: 0o600 },
    );
    const broker = runCli(
      [
        'broker',
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--schema-registry-port',
        '0',
        '--security-protocol',
        'SASL_PLAINTEXT',
        '--sasl-users-file',
        users,
        '--authorizer',
        'acl',
        '--super-users',
        'User:admin',
        '--schema-registry-credentials',
        credentials,
      ],
      { METERSTREAM_DATA_DIR: dir },
    );
    try {
      const listening = /broker listening on [\d.]+:(\d+), Schema Registry on (http:\/\/\S+)/;
      await waitForProcess(broker, 'the broker to listen', () => listening.test(broker.output()), 60_000);
      const [, port, registryUrl] = listening.exec(broker.output())!;
      const client = (username: string, password: string) =>
        new Kafka({
          brokers: [`127.0.0.1:${port}`],
          logLevel: logLevel.NOTHING,
          retry: { retries: 0 },
          sasl: { mechanism: 'scram-sha-256', username, password },
        }).admin();
      const admin = client('admin', 'admin-secret-1');
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'guarded' }] });
      expect(await admin.listTopics()).toContain('guarded');
      await admin.disconnect();
      await expect(client('admin', 'wrong').connect()).rejects.toThrow(
        /SASL SCRAM SHA256 authentication failed/,
      );
      // alice logs in but no ACL names her: the topic is not hers to see
      const alice = client('alice', 'alice-secret-2');
      await alice.connect();
      expect(await alice.listTopics()).not.toContain('guarded');
      await alice.disconnect();
      const subjects = `${registryUrl!.replace('0.0.0.0', '127.0.0.1')}/subjects`;
      expect((await fetch(subjects)).status).toBe(401);
      const basic = Buffer.from('admin:admin-secret-1').toString('base64');
      expect((await fetch(subjects, { headers: { Authorization: `Basic ${basic}` } })).status).toBe(200);
      expect(broker.output()).not.toMatch(/secret-[12]/);
    } finally {
      broker.kill('SIGTERM');
      await broker.exited;
    }
  }, 90_000);

  it('--help lists the security flags', async () => {
    const help = runCli(['broker', '--help']);
    await help.exited;
    for (const flag of [
      '--security-protocol',
      '--sasl-users-file',
      '--authorizer',
      '--super-users',
      '--tls-cert',
      '--schema-registry-credentials',
      '--schema-registry-tls',
      '--insecure',
    ])
      expect(help.output()).toContain(flag);
  });
});
