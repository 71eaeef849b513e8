import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type {
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  DescribeConfigsResponseDescribeConfigsResourceResult,
} from '../protocol/messages.generated.js';
import { brokerConfigEntries, topicConfigEntries } from './config-entries.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;

/**
 * DescribeConfigs for topics (every Kafka topic config: overrides, this broker's settings and
 * Kafka's defaults) and for this broker (see broker-config-table.ts). Synonyms only when the
 * request asks for them (v1+); an empty or null key list means every config.
 */
export const describeConfigs: ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      results: req.resources.map((r) => {
        try {
          let configs = entries(r.resourceType, r.resourceName, req.includeSynonyms, ctx);
          const keys = r.configurationKeys;
          if (keys && keys.length > 0) configs = configs.filter((c) => keys.includes(c.name));
          return {
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            resourceType: r.resourceType,
            resourceName: r.resourceName,
            configs,
          };
        } catch (err) {
          return {
            errorCode: errorCodeOf(err, ctx, r.resourceName),
            errorMessage: errorMessageOf(err),
            resourceType: r.resourceType,
            resourceName: r.resourceName,
            configs: [],
          };
        }
      }),
    };
  },
};

function entries(
  type: number,
  name: string,
  includeSynonyms: boolean,
  ctx: RequestContext,
): DescribeConfigsResponseDescribeConfigsResourceResult[] {
  const cfg = ctx.broker.config;
  if (type === RESOURCE_TOPIC) {
    const topic = ctx.broker.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
    return topicConfigEntries(topic.configs, cfg, includeSynonyms);
  }
  if (type === RESOURCE_BROKER) {
    // Kafka: the empty name stands for the cluster-wide dynamic defaults — none here.
    if (name === '') return [];
    if (!/^-?\d+$/.test(name)) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
    }
    if (Number(name) !== ctx.broker.nodeId) {
      throw new KafkaError(
        ErrorCode.INVALID_REQUEST,
        `Unexpected broker id, expected ${ctx.broker.nodeId} or empty string, but received ${name}`,
      );
    }
    return brokerConfigEntries(cfg, includeSynonyms);
  }
  throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${type}`);
}
