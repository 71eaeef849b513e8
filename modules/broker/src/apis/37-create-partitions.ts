import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../protocol/messages.generated.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import type { ApiHandler } from './handler.js';

/** CreatePartitions: grows a topic to `count` partitions (never shrinks). */
export const createPartitions: ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  handle(req, ctx) {
    const { topics } = ctx.broker;
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
          if (!req.validateOnly) topics.createPartitions(rt.name, rt.count);
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
