import { TOPIC_CONFIGS } from '../log/topic-config.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type {
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  DescribeConfigsResponseDescribeConfigsResourceResult,
} from '../protocol/messages.generated.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;
const SOURCE_TOPIC = 1;
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;
const TYPE_CODES: Record<string, number> = { BOOLEAN: 1, STRING: 2, INT: 3, LONG: 5, LIST: 7 };

/** DescribeConfigs for topics (set values and defaults) and for this broker (its settings). */
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
          let configs = entries(r.resourceType, r.resourceName, ctx);
          if (r.configurationKeys) configs = configs.filter((c) => r.configurationKeys!.includes(c.name));
          if (!req.includeSynonyms) for (const c of configs) c.synonyms = [];
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
  ctx: RequestContext,
): DescribeConfigsResponseDescribeConfigsResourceResult[] {
  const cfg = ctx.broker.config;
  if (type === RESOURCE_TOPIC) {
    const topic = ctx.broker.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
    return Object.entries(TOPIC_CONFIGS).map(([key, def]) => {
      const set = topic.configs[key];
      const value = set ?? def.defaultValue(cfg.segmentBytes);
      const source = set !== undefined ? SOURCE_TOPIC : SOURCE_DEFAULT;
      return {
        name: key,
        value,
        readOnly: false,
        isDefault: set === undefined,
        configSource: source,
        isSensitive: false,
        synonyms: [{ name: key, value, source }],
        configType: TYPE_CODES[def.type] ?? 0,
        documentation: null,
      };
    });
  }
  if (type === RESOURCE_BROKER) {
    if (name !== '' && name !== String(ctx.broker.nodeId)) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `unknown broker ${name}`);
    }
    const settings: [string, string, number][] = [
      ['broker.id', String(cfg.nodeId), 3],
      ['num.partitions', String(cfg.defaultPartitions), 3],
      ['auto.create.topics.enable', String(cfg.autoCreateTopics), 1],
      ['log.segment.bytes', String(cfg.segmentBytes), 3],
      ['log.dirs', cfg.dataDir, 2],
      ['socket.request.max.bytes', String(cfg.maxFrameBytes), 3],
      ['log.retention.ms', '-1', 5],
      ['log.flush.policy', cfg.fsyncPolicy, 2],
    ];
    return settings.map(([key, value, configType]) => ({
      name: key,
      value,
      readOnly: true,
      isDefault: false,
      configSource: SOURCE_STATIC_BROKER,
      isSensitive: false,
      synonyms: [{ name: key, value, source: SOURCE_STATIC_BROKER }],
      configType,
      documentation: null,
    }));
  }
  throw new KafkaError(ErrorCode.INVALID_REQUEST, `unsupported resource type ${type}`);
}
