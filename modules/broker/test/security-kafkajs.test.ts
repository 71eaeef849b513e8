import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowAcl,
  grantAcls,
  type SecureBroker,
  saslClient,
  startSecureBrokerWith,
  USERS,
  userClient,
} from './helpers/secure-broker.js';

const TOPIC = 'sec-orders';

describe('SASL over TLS with ACLs (kafkajs)', () => {
  let b: SecureBroker;
  beforeAll(async () => {
    // alice may write and read topics "sec-*" and read group "g-alice"; bob has nothing
    b = await startSecureBrokerWith({
      topics: [{ topic: TOPIC, numPartitions: 1 }],
      acls: [
        ...[AclOperationTypes.WRITE, AclOperationTypes.READ].map((operation) =>
          allowAcl(AclResourceTypes.TOPIC, 'sec-', operation, { patternType: ResourcePatternTypes.PREFIXED }),
        ),
        allowAcl(AclResourceTypes.GROUP, 'g-alice', AclOperationTypes.READ),
      ],
    });
  });
  afterAll(async () => {
    await b?.close();
  });

  async function endOffset(): Promise<string> {
    const admin = userClient(b, 'admin', 'plain').admin();
    await admin.connect();
    const [p] = await admin.fetchTopicOffsets(TOPIC);
    await admin.disconnect();
    return p.high;
  }

  it('SASL/PLAIN over TLS: alice produces to a topic her prefixed ACL allows', async () => {
    const producer = userClient(b, 'alice', 'plain').producer();
    await producer.connect();
    const [res] = await producer.send({ topic: TOPIC, messages: [{ key: 'k', value: 'plain' }] });
    expect(res.errorCode).toBe(0);
    await producer.disconnect();
  });

  it('SCRAM-SHA-512 over TLS: alice produces, then consumes in her group', async () => {
    const kafka = userClient(b, 'alice');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: [{ key: 'k', value: 'scram' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'g-alice', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push(String(message.value));
            if (seen.length === 2) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(seen).toEqual(['plain', 'scram']);
  });

  it('a group the principal may describe but not read: JoinGroup → GROUP_AUTHORIZATION_FAILED', async () => {
    // FindCoordinator needs DESCRIBE on the group (without it kafkajs finds no coordinator)
    await grantAcls(b, [allowAcl(AclResourceTypes.GROUP, 'g-describe-only', AclOperationTypes.DESCRIBE)]);
    const kafka = userClient(b, 'alice');
    const consumer = kafka.consumer({ groupId: 'g-describe-only' });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const crashed = new Promise<Error>((resolve) => {
      consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error));
    });
    await consumer.run({ eachMessage: async () => undefined });
    const err = await crashed;
    await consumer.disconnect();
    expect((err as { type?: string }).type).toBe('GROUP_AUTHORIZATION_FAILED');
  });

  it('DeleteGroups per group: the one alice may DELETE goes, the other gets GROUP_AUTHORIZATION_FAILED', async () => {
    await grantAcls(b, [allowAcl(AclResourceTypes.GROUP, 'g-alice', AclOperationTypes.DELETE)]);
    const admin = userClient(b, 'admin').admin();
    await admin.connect();
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain('g-alice');
    const alice = userClient(b, 'alice').admin();
    await alice.connect();
    // g-describe-only: alice may find its coordinator (DESCRIBE) but not delete it
    const err = await alice.deleteGroups(['g-alice', 'g-describe-only']).then(
      () => undefined,
      (e: Error & { groups?: { groupId: string; errorCode: number }[] }) => e,
    );
    await alice.disconnect();
    expect(err?.groups?.map((g) => [g.groupId, g.errorCode])).toEqual([['g-describe-only', 30]]);
    const left = (await admin.listGroups()).groups.map((g) => g.groupId);
    await admin.disconnect();
    expect(left).not.toContain('g-alice');
  });

  it('rejections: no credentials, wrong password, unknown user, user without the ACL — nothing written', async () => {
    const before = await endOffset();

    // no SASL: the broker closes the connection at the first request after ApiVersions
    const anonymous = saslClient(b, undefined).admin();
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow(
      /Connection|closed|ECONNRESET/i,
    );
    await anonymous.disconnect();

    for (const [username, password] of [
      ['alice', 'wrong-password'],
      ['mallory', 'any'],
    ]) {
      for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
        const p = saslClient(b, { mechanism, username, password } as never).producer();
        const err = await p.connect().then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err?.name, `${mechanism} ${username}`).toBe('KafkaJSSASLAuthenticationError');
        expect(err?.message).toMatch(/Authentication failed/);
      }
    }

    // bob authenticates, but no ACL lets him write
    const bob = userClient(b, 'bob').producer();
    await bob.connect();
    const denied = await bob.send({ topic: TOPIC, messages: [{ value: 'bob' }] }).then(
      () => undefined,
      (e: Error & { type?: string }) => e,
    );
    await bob.disconnect();
    expect(denied?.message).toMatch(/authoriz/i);

    expect(await endOffset()).toBe(before);

    // and the broker still serves an authorized client
    const alice = userClient(b, 'alice', 'scram-sha-256').producer();
    await alice.connect();
    const [res] = await alice.send({ topic: TOPIC, messages: [{ value: 'after' }] });
    await alice.disconnect();
    expect(res.errorCode).toBe(0);
    expect(BigInt(await endOffset())).toBe(BigInt(before) + 1n);
  });

  it('Metadata: an unauthorized principal does not see the topic, a named one is TOPIC_AUTHORIZATION_FAILED; no auto-creation without CREATE', async () => {
    const bob = userClient(b, 'bob', 'plain').admin();
    await bob.connect();
    expect(await bob.listTopics()).not.toContain(TOPIC);
    const err = await bob.fetchTopicMetadata({ topics: [TOPIC] }).then(
      () => undefined,
      (e: Error & { type?: string }) => e,
    );
    await bob.disconnect();
    expect(err?.type).toBe('TOPIC_AUTHORIZATION_FAILED');

    // WRITE on "sec-*" is not CREATE: a topic alice names does not spring into existence
    const producer = userClient(b, 'alice', 'plain').producer();
    await producer.connect();
    const createErr = await producer.send({ topic: 'sec-new', messages: [{ value: 'x' }] }).then(
      () => undefined,
      (e: Error) => e,
    );
    await producer.disconnect();
    expect(createErr).toBeDefined();
    expect(b.broker.topics.get('sec-new')).toBeUndefined();

    const alice = userClient(b, 'alice', 'plain').admin();
    await alice.connect();
    expect(await alice.listTopics()).toContain(TOPIC);
    // CreateAcls needs ALTER on the cluster
    const aclErr = await alice
      .createAcls({
        acl: [allowAcl(AclResourceTypes.TOPIC, '*', AclOperationTypes.ALL)],
      })
      .then(
        () => undefined,
        (e: Error & { type?: string }) => e,
      );
    await alice.disconnect();
    expect(aclErr?.type).toBe('CLUSTER_AUTHORIZATION_FAILED');
  });

  it('SCRAM credentials are stored salted in an owner-only file, never the password', () => {
    const file = join(b.dataDir, 'security', 'scram-credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(b.dataDir, 'security')).mode & 0o777).toBe(0o700);
    const text = readFileSync(file, 'utf8');
    for (const pw of Object.values(USERS)) expect(text).not.toContain(pw);
    const users = JSON.parse(text).users;
    expect(Object.keys(users).sort()).toEqual(['admin', 'alice', 'bob']);
    expect(Object.keys(users.alice).sort()).toEqual(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(users.alice['SCRAM-SHA-512'].iterations).toBeGreaterThanOrEqual(4096);
  });
});
