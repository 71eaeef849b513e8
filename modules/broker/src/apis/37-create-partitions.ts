import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../protocol/messages.generated.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import { validateManualAssignment } from './replica-assignment.js';
import type { ApiHandler } from './handler.js';

/**
 * CreatePartitions: grows a topic to `count` partitions (never shrinks). The partitions added count
 * against max.partitions.per.request and max.partitions like CreateTopics' (POLICY_VIOLATION). Manual
 * assignments are validated as Kafka's controller does (INVALID_REPLICA_ASSIGNMENT).
 */
export const createPartitions: ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  handle(req, ctx) {
    const { topics } = ctx.broker;
    const perRequest = ctx.broker.config.maxPartitionsPerRequest;
    let accepted = 0;
    return {
      throttleTimeMs: 0,
      results: req.topics.map((rt) => {
        try {
          const topic = topics.get(rt.name);
          if (!topic)
            throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${rt.name} does not exist`);
          if (rt.count <= topic.partitions.length) {
            throw new KafkaError(
              ErrorCode.INVALID_PARTITIONS,
              `topic ${rt.name} has ${topic.partitions.length} partitions; ${rt.count} would not add any`,
            );
          }
          const adding = rt.count - topic.partitions.length;
          if (rt.assignments !== null) {
            if (rt.assignments.length !== adding) {
              throw new KafkaError(
                ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                `Attempted to add ${adding} additional partition(s), but only ${rt.assignments.length} assignment(s) were specified.`,
              );
            }
            // every partition here has one replica, on this broker
            const brokers = new Set([ctx.broker.nodeId]);
            for (const a of rt.assignments) validateManualAssignment(a.brokerIds, brokers, 1);
          }
          if (accepted + adding > perRequest) {
            throw new KafkaError(
              ErrorCode.POLICY_VIOLATION,
              `topic ${rt.name}: ${adding} more partitions would bring this request to ${accepted + adding}, over the limit max.partitions.per.request=${perRequest}`,
            );
          }
          topics.checkPartitionLimit(rt.name, adding, req.validateOnly ? accepted : 0);
          if (!req.validateOnly) topics.createPartitions(rt.name, rt.count);
          accepted += adding;
          return { name: rt.name, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (err) {
          return {
            name: rt.name,
            errorCode: errorCodeOf(err, ctx, rt.name),
            errorMessage: errorMessageOf(err),
          };
        }
      }),
    };
  },
};
