import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type {
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
} from '../protocol/messages.generated.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import type { ApiHandler } from './handler.js';
import { validateManualAssignment } from './replica-assignment.js';

/**
 * AlterPartitionReassignments, answered per partition as Kafka's controller does. With one broker
 * the only valid target is the current replica list ([this broker]): that is a no-op and succeeds;
 * a target naming another broker, a duplicate or an empty list is INVALID_REPLICA_ASSIGNMENT; a
 * cancellation (null replicas) is NO_REASSIGNMENT_IN_PROGRESS since none ever is; an unknown
 * topic or partition is UNKNOWN_TOPIC_OR_PARTITION.
 */
export const alterPartitionReassignments: ApiHandler<
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse
> = {
  apiKey: 45,
  name: 'AlterPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const brokers = new Set([ctx.broker.nodeId]);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      responses: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          try {
            const topic = ctx.broker.topics.get(t.name);
            if (!topic) {
              throw new KafkaError(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                `Unable to find a topic named ${t.name}.`,
              );
            }
            if (!topic.partitions[p.partitionIndex]) {
              throw new KafkaError(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                `Unable to find partition ${t.name}:${p.partitionIndex}.`,
              );
            }
            if (p.replicas === null) {
              throw new KafkaError(
                ErrorCode.NO_REASSIGNMENT_IN_PROGRESS,
                'No partition reassignment is in progress.',
              );
            }
            // valid means [this broker]: the current replicas, nothing to move
            validateManualAssignment(p.replicas, brokers, undefined);
            return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null };
          } catch (err) {
            return {
              partitionIndex: p.partitionIndex,
              errorCode: errorCodeOf(err, ctx, `${t.name}:${p.partitionIndex}`),
              errorMessage: errorMessageOf(err),
            };
          }
        }),
      })),
    };
  },
};
