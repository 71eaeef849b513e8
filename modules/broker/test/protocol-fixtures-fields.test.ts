import { describe, expect, it } from 'vitest';
import {
  type Decoded,
  decodeRequestFrame,
  decodeResponseFrame,
  type LoadedFixture,
  loadFixtures,
  valuesOf,
} from './helpers/protocol-fixtures.js';
import {
  CLIENTS,
  type ClientName,
  type SessionNames,
  sessionNames,
} from './protocol-capture/session-names.js';

// The decoded fields of the captured frames, checked against what the capture sessions asked
// for (test/protocol-capture/session-names.ts: client id, topics, group, transactional id, record
// values) rather than against our own encoder. A schema table that round-trips bytes but puts a
// field in the wrong place, or reads it under the wrong name, shows up here as a value that is not
// the one the client sent.
const fixtures = loadFixtures();

interface Ctx {
  n: SessionNames;
  /** The names of every session (a Metadata or ListGroups answer lists other clients' too). */
  all: Set<string>;
  fixture: LoadedFixture;
}

const ALL = new Set(
  CLIENTS.flatMap((c) => {
    const n = sessionNames(c);
    return [n.topic, n.txnTopic, n.group, `${n.topic}-gone`];
  }),
);

const includesText = (b: unknown, text: string) => Buffer.isBuffer(b) && b.includes(Buffer.from(text));

const arr = (v: unknown) => v as Decoded[];

/** Per API key: checks of the request and of the response the client read. */
const CHECKS: Record<number, (req: Decoded, res: Decoded | null, c: Ctx) => void> = {
  0: (req, res, { n }) => {
    expect(req.acks).toBe(-1);
    expect([null, n.transactionalId]).toContain(req.transactionalId);
    for (const t of arr(req.topicData)) {
      expect([n.topic, n.txnTopic]).toContain(t.name);
      for (const p of arr(t.partitionData)) expect(includesText(p.records, n.valuePrefix)).toBe(true);
    }
    expect(valuesOf(res, 'name')).toEqual(valuesOf(req.topicData, 'name'));
  },
  1: (req, res, { n }) => {
    expect(req.replicaId).toBe(-1);
    expect(req.maxWaitMs).toBe(100); // every session sets a 100 ms fetch wait
    expect(valuesOf(req.topics, 'topic').every((t) => t === n.topic || t === n.txnTopic)).toBe(true);
    expect(valuesOf(res, 'topic')).toEqual(valuesOf(req.topics, 'topic'));
    const records = valuesOf(res, 'records');
    expect(records.some((r) => includesText(r, n.valuePrefix))).toBe(true);
  },
  2: (req, res, { n }) => {
    expect(valuesOf(req.topics, 'name')).toContain(n.topic);
    expect(valuesOf(res, 'name')).toEqual(valuesOf(req.topics, 'name'));
  },
  3: (req, res, { all, fixture }) => {
    for (const name of valuesOf(req.topics, 'name')) expect(all.has(name as string)).toBe(true);
    expect(arr(res!.brokers).map((b) => [b.nodeId, b.host, b.port])).toEqual([
      [0, '127.0.0.1', fixture.meta.advertisedPort],
    ]);
    for (const name of valuesOf(res!.topics, 'name')) expect(all.has(name as string)).toBe(true);
  },
  8: (req, res, { n }) => {
    expect(req.groupId).toBe(n.group);
    expect(valuesOf(req.topics, 'name')).toEqual([n.topic]);
    for (const o of valuesOf(req.topics, 'committedOffset')) expect(o as bigint).toBeGreaterThan(0n);
    expect(valuesOf(res, 'partitionIndex')).toEqual(valuesOf(req.topics, 'partitionIndex'));
  },
  9: (req, res, { n }) => {
    expect(req.groupId).toBe(n.group);
    expect(valuesOf(res!.topics, 'name')).toContain(n.topic);
  },
  10: (req, res, { n, fixture }) => {
    expect([n.group, n.transactionalId]).toContain(req.key);
    expect([res!.host, res!.port]).toEqual(['127.0.0.1', fixture.meta.advertisedPort]);
  },
  11: (req, res, { n }) => {
    expect(req.groupId).toBe(n.group);
    expect(req.protocolType).toBe('consumer');
    // one member: it leads, and the chosen assignor is one it offered
    expect(res!.leader).toBe(res!.memberId);
    expect(valuesOf(req.protocols, 'name')).toContain(res!.protocolName);
  },
  12: (req, _res, { n }) => expect(req.groupId).toBe(n.group),
  13: (req, _res, { n }) => expect(req.groupId).toBe(n.group),
  14: (req, res, { n }) => {
    expect(req.groupId).toBe(n.group);
    // the leader's assignment for itself is what the coordinator hands back
    expect(res!.assignment).toEqual(arr(req.assignments)[0].assignment);
  },
  15: (req, res, { n }) => {
    expect(req.groups).toContain(n.group);
    expect(valuesOf(res, 'groupId')).toEqual(req.groups);
  },
  16: (_req, res, { n }) => expect(valuesOf(res, 'groupId')).toContain(n.group),
  18: (_req, res) => {
    const keys = valuesOf(res!.apiKeys, 'apiKey');
    for (const k of [0, 1, 3, 18]) expect(keys).toContain(k);
  },
  19: (req, res, { n }) => {
    expect(valuesOf(req.topics, 'name')).toContain(n.topic);
    expect(arr(req.topics).find((t) => t.name === n.topic)?.numPartitions).toBe(2);
    expect(valuesOf(res, 'name')).toEqual(valuesOf(req.topics, 'name'));
  },
  20: (req, res, { n }) => {
    expect(req.topicNames).toEqual([`${n.topic}-gone`]);
    expect(valuesOf(res, 'name')).toEqual(req.topicNames);
  },
  21: (req, res, { n }) => {
    expect(arr(req.topics).map((t) => [t.name, valuesOf(t.partitions, 'offset')])).toEqual([[n.topic, [1n]]]);
    expect(valuesOf(res, 'lowWatermark')).toEqual([1n]);
  },
  22: (req, res, { n }) => {
    expect([null, n.transactionalId]).toContain(req.transactionalId);
    expect(res!.producerId as bigint).toBeGreaterThanOrEqual(0n);
  },
  24: (req, _res, { n }) => {
    expect(req.v3AndBelowTransactionalId).toBe(n.transactionalId);
    expect(valuesOf(req.v3AndBelowTopics, 'name')).toEqual([n.txnTopic]);
  },
  25: (req, _res, { n }) => expect([req.transactionalId, req.groupId]).toEqual([n.transactionalId, n.group]),
  26: (req, _res, { n }) => expect([req.transactionalId, req.committed]).toEqual([n.transactionalId, true]),
  28: (req, _res, { n }) => {
    expect([req.transactionalId, req.groupId]).toEqual([n.transactionalId, n.group]);
    // both sessions commit offset 3 of partition 0 inside their transaction
    expect(arr(arr(req.topics)[0].partitions).map((p) => [p.partitionIndex, p.committedOffset])).toEqual([
      [0, 3n],
    ]);
  },
  29: (req, res, { n }) => {
    expect([req.resourceNameFilter, req.principalFilter]).toEqual([n.topic, `User:${n.clientId}`]);
    expect(valuesOf(res!.resources, 'resourceName')).toEqual([n.topic]);
  },
  30: (req, _res, { n }) => {
    const acl = arr(req.creations).map((c) => [
      c.resourceType,
      c.resourceName,
      c.principal,
      c.host,
      c.operation,
    ]);
    expect(acl).toEqual([[2, n.topic, `User:${n.clientId}`, '*', 3]]);
  },
  31: (req, res, { n }) => {
    expect(valuesOf(req.filters, 'resourceNameFilter')).toEqual([n.topic]);
    expect(valuesOf(res, 'resourceName')).toEqual([n.topic]);
  },
  32: (req, res, { n }) => {
    expect(arr(req.resources).map((r) => [r.resourceType, r.resourceName])).toEqual([[2, n.topic]]);
    expect(valuesOf(res, 'name')).toContain('retention.ms');
  },
  33: (req, _res, { n }) => {
    expect(arr(req.resources).map((r) => r.resourceName)).toEqual([n.txnTopic]);
    expect(valuesOf(req.resources, 'configs')).toEqual([[{ name: 'retention.ms', value: '86400000' }]]);
  },
  42: (req, res, { n }) => {
    expect(req.groupsNames).toEqual([n.group]);
    expect(valuesOf(res, 'groupId')).toEqual([n.group]);
  },
  37: (req, _res, { n }) => expect(arr(req.topics).map((t) => [t.name, t.count])).toEqual([[n.txnTopic, 2]]),
};

describe('captured client frames carry what the sessions asked for', () => {
  it('every captured API has field checks', () => {
    const unchecked = [...new Set(fixtures.map((f) => f.meta.api))].filter(
      (api) => !CHECKS[fixtures.find((f) => f.meta.api === api)!.meta.apiKey],
    );
    expect(unchecked).toEqual([]);
  });

  describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const n = sessionNames(f.meta.client as ClientName);

    it('request and response fields', () => {
      const req = decodeRequestFrame(f.request);
      expect(req.header.clientId).toBe(n.clientId);
      const res = f.response ? decodeResponseFrame(f.meta.apiKey, f.meta.version, f.response).body : null;
      // each session ran without errors: the broker answered none
      for (const key of ['errorCode', 'partitionErrorCode', 'topicConfigErrorCode'])
        expect(valuesOf(res, key).filter((e) => e !== 0)).toEqual([]);
      CHECKS[f.meta.apiKey]?.(req.body, res, { n, all: ALL, fixture: f });
    });
  });
});
