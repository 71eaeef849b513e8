import type { Topic } from '../log/topic-manager.js';
import { ErrorCode } from '../protocol/errors.js';
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponseTopic,
} from '../protocol/messages.generated.js';
import { Op } from '../security/authorizer.js';
import { mayCreateTopic, mayOnTopic } from '../security/may.js';
import { errorCodeOf } from './errors.js';
import type { ApiHandler, RequestContext } from './handler.js';

/**
 * Metadata: this one broker leads every partition; unknown topics are auto-created if allowed.
 * With the authorizer on (Kafka's rules): the all-topics list leaves out topics the principal may
 * not DESCRIBE; a named topic it may not DESCRIBE — or may not CREATE (on the topic or the
 * cluster) when it would be auto-created — is answered TOPIC_AUTHORIZATION_FAILED.
 */
export const metadata: ApiHandler<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  handle(req, ctx) {
    const { broker } = ctx;
    // v0: an empty list means "all topics"; v1+: null means all.
    const all = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
    const topics: MetadataResponseTopic[] = [];
    if (all) {
      for (const t of broker.topics.list())
        if (mayOnTopic(ctx, t.name, Op.DESCRIBE)) topics.push(describe(t, ctx));
    } else {
      for (const rt of req.topics ?? []) {
        const byId = rt.name === null ? broker.topics.list().find((t) => t.id.equals(rt.topicId)) : undefined;
        const name = rt.name ?? byId?.name ?? null;
        if (name !== null && !mayMetadata(ctx, name, req.allowAutoTopicCreation)) {
          topics.push({
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            name,
            topicId: rt.topicId,
            isInternal: false,
            partitions: [],
          });
          continue;
        }
        try {
          const t = byId ?? (name === null ? undefined : lookup(name, req.allowAutoTopicCreation, ctx));
          if (t) topics.push(describe(t, ctx));
          else {
            topics.push({
              errorCode: name === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              name,
              topicId: rt.topicId,
              isInternal: false,
              partitions: [],
            });
          }
        } catch (err) {
          topics.push({
            errorCode: errorCodeOf(err, ctx, name ?? '?'),
            name,
            isInternal: false,
            partitions: [],
          });
        }
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: [
        { nodeId: broker.nodeId, host: broker.advertisedHost, port: broker.advertisedPort, rack: null },
      ],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
    };
  },
};

function mayMetadata(ctx: RequestContext, topic: string, autoCreate: boolean): boolean {
  if (ctx.broker.authorizer === undefined) return true;
  if (!mayOnTopic(ctx, topic, Op.DESCRIBE)) return false;
  if (!autoCreate || !ctx.broker.config.autoCreateTopics || ctx.broker.topics.get(topic)) return true;
  return mayCreateTopic(ctx, topic);
}

function lookup(name: string, allowAutoCreate: boolean, ctx: RequestContext): Topic | undefined {
  return allowAutoCreate ? ctx.broker.topics.getOrCreate(name) : ctx.broker.topics.get(name);
}

function describe(t: Topic, ctx: RequestContext): MetadataResponseTopic {
  const node = ctx.broker.nodeId;
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.id,
    isInternal: false,
    partitions: t.partitions.map((p) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: node,
      leaderEpoch: 0,
      replicaNodes: [node],
      isrNodes: [node],
      offlineReplicas: [],
    })),
  };
}
