import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type {
  CreateTopicsRequest,
  CreateTopicsResponse,
  CreateTopicsResponseCreatableTopicResult,
} from '../protocol/messages.generated.js';
import { validateTopicConfig, validateTopicConfigSet } from '../log/topic-config.js';
import { validateTopicName } from '../log/topic-manager.js';
import { topicConfigEntries } from './config-entries.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import { validateCreateTopicAssignments } from './replica-assignment.js';
import type { ApiHandler } from './handler.js';

/**
 * CreateTopics: replication factor must be -1 or 1 (one broker); -1 partitions = broker default.
 * A manual assignment is validated as Kafka does (INVALID_REPLICA_ASSIGNMENT for a broker other than
 * this one, a duplicate, uneven replica counts or non-consecutive partitions).
 * Partition limits: a topic that would take this request past max.partitions.per.request, or the
 * broker past max.partitions, is refused with POLICY_VIOLATION (the topics before it are created).
 */
export const createTopics: ApiHandler<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  handle(req, ctx) {
    const { topics } = ctx.broker;
    const perRequest = ctx.broker.config.maxPartitionsPerRequest;
    /** Partitions of the topics of this request accepted so far. */
    let accepted = 0;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((rt): CreateTopicsResponseCreatableTopicResult => {
        const res: CreateTopicsResponseCreatableTopicResult = {
          name: rt.name,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: -1,
          replicationFactor: -1,
          configs: null,
        };
        try {
          validateTopicName(rt.name);
          let partitions: number;
          if (rt.assignments.length > 0) {
            partitions = validateCreateTopicAssignments(
              rt.assignments,
              rt.numPartitions,
              rt.replicationFactor,
              new Set([ctx.broker.nodeId]),
            );
          } else {
            if (rt.replicationFactor !== -1 && rt.replicationFactor !== 1) {
              throw new KafkaError(
                ErrorCode.INVALID_REPLICATION_FACTOR,
                `replication factor ${rt.replicationFactor} is larger than the 1 available broker`,
              );
            }
            partitions = rt.numPartitions === -1 ? ctx.broker.config.defaultPartitions : rt.numPartitions;
          }
          const configs: Record<string, string> = {};
          for (const c of rt.configs) {
            validateTopicConfig(rt.name, c.name, c.value);
            if (c.value !== null) configs[c.name] = c.value;
          }
          validateTopicConfigSet(rt.name, configs, ctx.broker.config);
          if (topics.get(rt.name))
            throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${rt.name} already exists`);
          if (partitions < 1)
            throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `invalid partition count ${partitions}`);
          if (accepted + partitions > perRequest) {
            throw new KafkaError(
              ErrorCode.POLICY_VIOLATION,
              `topic ${rt.name}: ${partitions} partitions would bring this request to ${accepted + partitions}, over the limit max.partitions.per.request=${perRequest}`,
            );
          }
          // validateOnly creates nothing: count what this request accepted so far
          topics.checkPartitionLimit(rt.name, partitions, req.validateOnly ? accepted : 0);
          let id: Buffer | undefined;
          if (!req.validateOnly) id = topics.create(rt.name, partitions, configs).id;
          accepted += partitions;
          res.topicId = id;
          res.numPartitions = partitions;
          res.replicationFactor = 1;
          res.configs = topicConfigEntries(configs, ctx.broker.config, false).map((e) => ({
            name: e.name,
            value: e.value,
            readOnly: e.readOnly,
            configSource: e.configSource,
            isSensitive: e.isSensitive,
          }));
        } catch (err) {
          res.errorCode = errorCodeOf(err, ctx, rt.name);
          res.errorMessage = errorMessageOf(err);
        }
        return res;
      }),
    };
  },
};
