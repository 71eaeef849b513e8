import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Admin,
  ResourcePatternTypes,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { decodeResponse, requestFrame, sendRaw } from './helpers/raw-client.js';

const anyFilter = {
  resourceType: AclResourceTypes.ANY,
  resourcePatternType: ResourcePatternTypes.ANY,
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
};

/** ACL APIs (stored, not enforced) and partition reassignments on one broker. */
describe('ACLs and partition reassignments through kafkajs', () => {
  let b: TestBroker;
  let admin: Admin;
  beforeAll(async () => {
    b = await startTestBroker({ keepData: true });
    admin = kafkaClient(b.bootstrap).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await b.close();
  });

  it('creates, describes (with Kafka filter matching), deletes ACLs, and keeps them across a restart', async () => {
    const topicAcl = {
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'orders',
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:alice',
      host: '*',
      operation: AclOperationTypes.READ,
      permissionType: AclPermissionTypes.ALLOW,
    };
    const prefixAcl = {
      ...topicAcl,
      resourceName: 'ord',
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal: 'User:bob',
      operation: AclOperationTypes.WRITE,
    };
    const groupAcl = {
      ...topicAcl,
      resourceType: AclResourceTypes.GROUP,
      resourceName: 'billing',
      permissionType: AclPermissionTypes.DENY,
    };
    expect(await admin.createAcls({ acl: [topicAcl, prefixAcl, groupAcl, topicAcl] })).toBe(true);

    const all = await admin.describeAcls(anyFilter);
    expect(all.resources).toHaveLength(3);
    // the duplicate creation is stored once
    expect(all.resources.flatMap((r) => r.acls)).toHaveLength(3);

    // MATCH finds the literal binding on the name and the prefixed one covering it
    const match = await admin.describeAcls({
      ...anyFilter,
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'orders',
      resourcePatternType: ResourcePatternTypes.MATCH,
    });
    expect(match.resources.map((r) => [r.resourceName, r.resourcePatternType]).sort()).toEqual([
      ['ord', ResourcePatternTypes.PREFIXED],
      ['orders', ResourcePatternTypes.LITERAL],
    ]);
    const alice = await admin.describeAcls({ ...anyFilter, principal: 'User:alice' });
    expect(alice.resources.map((r) => r.resourceName).sort()).toEqual(['billing', 'orders']);
    expect(alice.resources.find((r) => r.resourceName === 'orders')?.acls).toEqual([
      {
        principal: 'User:alice',
        host: '*',
        operation: AclOperationTypes.READ,
        permissionType: AclPermissionTypes.ALLOW,
      },
    ]);

    // an invalid binding is refused with Kafka's error
    const bad = await admin
      .createAcls({ acl: [{ ...topicAcl, operation: AclOperationTypes.ANY }] })
      .catch((e: unknown) => e);
    expect((bad as { type?: string }).type).toBe('INVALID_REQUEST');

    // restart on the same data directory: the bindings were journalled
    await admin.disconnect();
    await b.close();
    b = await startTestBroker({ keepData: true, dataDir: b.dataDir });
    admin = kafkaClient(b.bootstrap).admin();
    await admin.connect();
    expect((await admin.describeAcls(anyFilter)).resources.flatMap((r) => r.acls)).toHaveLength(3);

    const deleted = await admin.deleteAcls({
      filters: [{ ...anyFilter, resourceType: AclResourceTypes.TOPIC, principal: 'User:bob' }],
    });
    expect(deleted.filterResponses).toHaveLength(1);
    expect(deleted.filterResponses[0].errorCode).toBe(0);
    expect(deleted.filterResponses[0].matchingAcls).toEqual([
      expect.objectContaining({
        resourceName: 'ord',
        principal: 'User:bob',
        operation: AclOperationTypes.WRITE,
      }),
    ]);
    const left = await admin.describeAcls(anyFilter);
    expect(left.resources.map((r) => r.resourceName).sort()).toEqual(['billing', 'orders']);
  });

  it('filters as Kafka: MATCH finds the wildcard binding, ANY and LITERAL only the exact name', async () => {
    const base = {
      resourceType: AclResourceTypes.GROUP,
      principal: 'User:carol',
      host: '10.0.0.1',
      operation: AclOperationTypes.DESCRIBE,
      permissionType: AclPermissionTypes.ALLOW,
    };
    await admin.createAcls({
      acl: [
        { ...base, resourceName: '*', resourcePatternType: ResourcePatternTypes.LITERAL },
        { ...base, resourceName: 'team-', resourcePatternType: ResourcePatternTypes.PREFIXED },
        { ...base, resourceName: 'team-a', resourcePatternType: ResourcePatternTypes.LITERAL },
        { ...base, resourceName: 'other', resourcePatternType: ResourcePatternTypes.LITERAL },
      ],
    });
    const names = async (resourcePatternType: number) =>
      (
        await admin.describeAcls({
          ...anyFilter,
          resourceType: AclResourceTypes.GROUP,
          resourceName: 'team-a',
          resourcePatternType,
          principal: 'User:carol',
        })
      ).resources
        .map((r) => `${r.resourceName}/${r.resourcePatternType}`)
        .sort();
    expect(await names(ResourcePatternTypes.MATCH)).toEqual([
      `*/${ResourcePatternTypes.LITERAL}`,
      `team-/${ResourcePatternTypes.PREFIXED}`,
      `team-a/${ResourcePatternTypes.LITERAL}`,
    ]);
    expect(await names(ResourcePatternTypes.ANY)).toEqual([`team-a/${ResourcePatternTypes.LITERAL}`]);
    expect(await names(ResourcePatternTypes.LITERAL)).toEqual([`team-a/${ResourcePatternTypes.LITERAL}`]);
    expect(await names(ResourcePatternTypes.PREFIXED)).toEqual([]);
    // the host is part of the entry filter
    const elsewhere = await admin.describeAcls({ ...anyFilter, principal: 'User:carol', host: '10.0.0.2' });
    expect(elsewhere.resources).toEqual([]);
    const removed = await admin.deleteAcls({ filters: [{ ...anyFilter, principal: 'User:carol' }] });
    expect(removed.filterResponses[0].matchingAcls).toHaveLength(4);
  });

  it('alterPartitionReassignments: a no-op to this broker succeeds, a missing broker or partition is refused', async () => {
    await admin.createTopics({ topics: [{ topic: 'moving', numPartitions: 2 }] });
    await admin.alterPartitionReassignments({
      topics: [
        {
          topic: 'moving',
          partitionAssignment: [
            { partition: 0, replicas: [0] },
            { partition: 1, replicas: [0] },
          ],
        },
      ],
    });
    const errorTypes = async (topic: string, partition: number, replicas: number[]) => {
      const err = await admin
        .alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition, replicas }] }] })
        .catch((e: unknown) => e);
      return ((err as { errors?: { type?: string }[] }).errors ?? []).map((e) => e.type);
    };
    expect(await errorTypes('moving', 0, [1])).toEqual(['INVALID_REPLICA_ASSIGNMENT']);
    expect(await errorTypes('moving', 0, [0, 0])).toEqual(['INVALID_REPLICA_ASSIGNMENT']);
    expect(await errorTypes('moving', 5, [0])).toEqual(['UNKNOWN_TOPIC_OR_PARTITION']);
    expect(await errorTypes('nowhere', 0, [0])).toEqual(['UNKNOWN_TOPIC_OR_PARTITION']);
    const meta = await admin.fetchTopicMetadata({ topics: ['moving'] });
    expect(meta.topics[0].partitions.map((p) => p.replicas)).toEqual([[0], [0]]);
  });

  it('listPartitionReassignments: nothing is ever in progress', async () => {
    expect(await admin.listPartitionReassignments({})).toEqual({ topics: [] });
    expect(
      await admin.listPartitionReassignments({ topics: [{ topic: 'moving', partitions: [0, 1] }] }),
    ).toEqual({ topics: [] });
  });

  it('cancelling a reassignment (null replicas, raw frame) is NO_REASSIGNMENT_IN_PROGRESS', async () => {
    const frame = await sendRaw(
      b.port,
      requestFrame(45, 0, 7, {
        timeoutMs: 1000,
        topics: [{ name: 'moving', partitions: [{ partitionIndex: 0, replicas: null }] }],
      }),
    );
    expect(Buffer.isBuffer(frame)).toBe(true);
    const res = decodeResponse<{
      errorCode: number;
      responses: { name: string; partitions: { errorCode: number; errorMessage: string | null }[] }[];
    }>(45, 0, frame as Buffer);
    expect(res.errorCode).toBe(0);
    expect(res.responses[0].partitions[0]).toMatchObject({
      errorCode: 85,
      errorMessage: 'No partition reassignment is in progress.',
    });
  });

  it('ApiVersions advertises the new APIs', async () => {
    const frame = await sendRaw(b.port, requestFrame(18, 0, 1, {}));
    const res = decodeResponse<{ apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] }>(
      18,
      0,
      frame as Buffer,
    );
    const ranges = Object.fromEntries(res.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect([ranges[29], ranges[30], ranges[31], ranges[45], ranges[46]]).toEqual([
      [0, 3],
      [0, 3],
      [0, 3],
      [0, 0],
      [0, 0],
    ]);
  });
});
