import { resolve } from 'node:path';
import { AclOperationTypes, AclResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './helpers/processes.js';
import { allowAcl, type SecureBroker, startSecureBrokerWith, USERS } from './helpers/secure-broker.js';

const SCRIPT = resolve(import.meta.dirname, 'fixtures/librdkafka-sasl-ssl.py');

interface RdResult {
  delivered: number;
  delivery_errors: { name: string; message: string }[];
  consumed: string[];
  errors: { name: string; message: string }[];
}

describe('SASL_SSL with librdkafka (confluent_kafka, kcat)', () => {
  let b: SecureBroker;
  beforeAll(async () => {
    b = await startSecureBrokerWith({
      topics: [{ topic: 'rd-sec', numPartitions: 2 }, { topic: 'kc-sec' }],
      acls: [
        allowAcl(AclResourceTypes.TOPIC, 'rd-sec', AclOperationTypes.ALL),
        allowAcl(AclResourceTypes.GROUP, 'rd-group', AclOperationTypes.READ),
      ],
    });
  });
  afterAll(async () => {
    await b?.close();
  });

  const rd = async (user: string, password: string): Promise<RdResult> => {
    const r = await run(
      '/usr/bin/python3',
      [SCRIPT, b.bootstrap, b.certFile, user, 'rd-sec', 'rd-group'],
      password,
      90_000,
    );
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as RdResult;
  };

  it('SCRAM-SHA-512 over SASL_SSL: produces and consumes in a group', async () => {
    const res = await rd('alice', USERS.alice);
    expect(res.delivery_errors).toEqual([]);
    expect(res.delivered).toBe(5);
    expect(res.consumed.sort()).toEqual(['rd-0', 'rd-1', 'rd-2', 'rd-3', 'rd-4']);
  });

  it("a wrong password: librdkafka reports the broker's authentication failure and delivers nothing", async () => {
    const res = await rd('alice', 'not-her-password');
    expect(res.delivered).toBe(0);
    expect(res.errors.map((e) => e.message).join('\n')).toMatch(/Authentication failed/);
  });

  it('bob (authenticated, no ACL): TOPIC_AUTHORIZATION_FAILED', async () => {
    const res = await rd('bob', USERS.bob);
    expect(res.delivered).toBe(0);
    const all = [...res.delivery_errors, ...res.errors].map((e) => e.name);
    expect(all).toContain('TOPIC_AUTHORIZATION_FAILED');
  });

  it('kcat -X security.protocol=SASL_SSL: produce then consume as admin; a wrong password fails', async () => {
    const sasl = (password: string) => [
      '-b',
      b.bootstrap,
      '-X',
      'security.protocol=SASL_SSL',
      '-X',
      'sasl.mechanisms=SCRAM-SHA-256',
      '-X',
      'sasl.username=admin',
      '-X',
      `sasl.password=${password}`,
      '-X',
      `ssl.ca.location=${b.certFile}`,
    ];
    const lines = ['a:1', 'b:2', 'c:3'];
    const produced = await run(
      'kcat',
      [...sasl(USERS.admin), '-P', '-t', 'kc-sec', '-K:'],
      `${lines.join('\n')}\n`,
    );
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await run('kcat', [...sasl(USERS.admin), '-C', '-t', 'kc-sec', '-e', '-f', '%k:%s\n']);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(lines);

    const refused = await run('kcat', [...sasl('wrong'), '-L', '-m', '5'], undefined, 30_000);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Authentication failed/);
  });
});
