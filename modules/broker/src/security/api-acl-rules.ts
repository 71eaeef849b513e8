/**
 * What each API needs of the authorizer, as Kafka's KafkaApis asks it: checks on the whole
 * request (a group, a transactional id, the cluster) and checks per item of a list (topics,
 * config resources), where denied items get their own error and the others are served.
 */
import { CLUSTER_NAME, Op, Res } from './authorizer.js';
import { ErrorCode } from '../protocol/errors.js';

export interface Check {
  type: number;
  name: string;
  op: number;
  /** The error answered when denied. */
  code: number;
  /** Also allowed when the principal may do this on the cluster (CreateTopics: CLUSTER CREATE). */
  orCluster?: number;
  /** Also allowed when the principal may do this on some topic (InitProducerId: WRITE). */
  orAnyTopic?: number;
}

type Req = Record<string, unknown>;
type Item = Record<string, unknown>;

export interface ApiAclRule {
  whole?: (req: Req, version: number) => Check[];
  items?: {
    list: string;
    /** null: nothing to check (e.g. a topic id nobody knows — the handler answers it). */
    check: (item: Item, version: number) => Check | null;
  };
}

const group = (name: unknown, op: number): Check => ({
  type: Res.GROUP,
  name: String(name),
  op,
  code: ErrorCode.GROUP_AUTHORIZATION_FAILED,
});
const txn = (name: unknown): Check => ({
  type: Res.TRANSACTIONAL_ID,
  name: String(name),
  op: Op.WRITE,
  code: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
});
const cluster = (op: number): Check => ({
  type: Res.CLUSTER,
  name: CLUSTER_NAME,
  op,
  code: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
});
const topic = (name: unknown, op: number): Check => ({
  type: Res.TOPIC,
  name: String(name),
  op,
  code: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
});
const topicsBy = (list: string, field: string, op: number): ApiAclRule['items'] => ({
  list,
  check: (item) => (typeof item[field] === 'string' ? topic(item[field], op) : null),
});
/** A config resource: TOPIC (2) or BROKER (4, authorized on the cluster). */
const configResource = (op: number) => (item: Item) =>
  item.resourceType === 2 ? topic(item.resourceName, op) : cluster(op);

export const API_ACL_RULES: Readonly<Record<number, ApiAclRule>> = {
  0: {
    whole: (r) => (r.transactionalId ? [txn(r.transactionalId)] : []),
    items: topicsBy('topicData', 'name', Op.WRITE),
  },
  // Fetch v13+ names topics by id: broker.ts resolves ids to names before this rule runs.
  1: { items: topicsBy('topics', 'topic', Op.READ) },
  2: { items: topicsBy('topics', 'name', Op.DESCRIBE) },
  8: { whole: (r) => [group(r.groupId, Op.READ)], items: topicsBy('topics', 'name', Op.READ) },
  9: {
    whole: (r, v) =>
      v >= 8
        ? ((r.groups as Item[]) ?? []).map((g) => group(g.groupId, Op.DESCRIBE))
        : [group(r.groupId, Op.DESCRIBE)],
    items: topicsBy('topics', 'name', Op.DESCRIBE),
  },
  10: {
    whole: (r, v) => {
      const keys = v >= 4 ? ((r.coordinatorKeys as string[]) ?? []) : [String(r.key)];
      return keys.map((k) => (r.keyType === 1 ? { ...txn(k), op: Op.DESCRIBE } : group(k, Op.DESCRIBE)));
    },
  },
  11: { whole: (r) => [group(r.groupId, Op.READ)] },
  12: { whole: (r) => [group(r.groupId, Op.READ)] },
  13: { whole: (r) => [group(r.groupId, Op.READ)] },
  14: { whole: (r) => [group(r.groupId, Op.READ)] },
  // 16 ListGroups filters its answer, 15 DescribeGroups, 20 DeleteTopics v0–5 and 42 DeleteGroups
  // list plain names (request-authorization.ts); 3 Metadata authorizes inside its handler.
  19: { items: { list: 'topics', check: (t) => ({ ...topic(t.name, Op.CREATE), orCluster: Op.CREATE }) } },
  21: { items: topicsBy('topics', 'name', Op.DELETE) },
  22: {
    whole: (r) =>
      r.transactionalId
        ? [txn(r.transactionalId)]
        : [{ ...cluster(Op.IDEMPOTENT_WRITE), orAnyTopic: Op.WRITE }],
  },
  23: { items: topicsBy('topics', 'topic', Op.DESCRIBE) },
  24: { whole: (r) => [txn(r.transactionalId)], items: topicsBy('topics', 'name', Op.WRITE) },
  25: { whole: (r) => [txn(r.transactionalId), group(r.groupId, Op.READ)] },
  26: { whole: (r) => [txn(r.transactionalId)] },
  28: {
    whole: (r) => [txn(r.transactionalId), group(r.groupId, Op.READ)],
    items: topicsBy('topics', 'name', Op.READ),
  },
  29: { whole: () => [cluster(Op.DESCRIBE)] },
  30: { whole: () => [cluster(Op.ALTER)] },
  31: { whole: () => [cluster(Op.ALTER)] },
  32: { items: { list: 'resources', check: configResource(Op.DESCRIBE_CONFIGS) } },
  33: { items: { list: 'resources', check: configResource(Op.ALTER_CONFIGS) } },
  37: { items: topicsBy('topics', 'name', Op.ALTER) },
  45: { whole: () => [cluster(Op.ALTER)] },
  46: { whole: () => [cluster(Op.DESCRIBE)] },
};
