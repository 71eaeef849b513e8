import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { AlterConfigsRequest, AlterConfigsResponse } from '../protocol/messages.generated.js';
import { RESOURCE_TOPIC } from './32-describe-configs.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import type { ApiHandler } from './handler.js';

/** AlterConfigs (non-incremental): the given configs replace all of a topic's set configs. */
export const alterConfigs: ApiHandler<AlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      responses: req.resources.map((r) => {
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        try {
          if (r.resourceType !== RESOURCE_TOPIC) {
            throw new KafkaError(
              ErrorCode.INVALID_REQUEST,
              `only topic configs can be altered (type ${r.resourceType})`,
            );
          }
          const changes: Record<string, string | null> = {};
          for (const c of r.configs) changes[c.name] = c.value;
          ctx.broker.topics.alterConfigs(r.resourceName, changes, true, req.validateOnly);
          return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (err) {
          return {
            ...base,
            errorCode: errorCodeOf(err, ctx, r.resourceName),
            errorMessage: errorMessageOf(err),
          };
        }
      }),
    };
  },
};
