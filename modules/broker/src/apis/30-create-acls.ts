import { type AclBinding, validateNewAcl } from '../acl/acl-binding.js';
import { ErrorCode } from '../protocol/errors.js';
import type { CreateAclsRequest, CreateAclsResponse } from '../protocol/messages.generated.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import type { ApiHandler } from './handler.js';

/**
 * CreateAcls: each creation is validated as Kafka's controller does (INVALID_REQUEST naming the bad
 * field) and the valid ones are stored, durably, before the answer. Storage only — the broker does
 * not authorize requests against ACLs yet (it has no authentication). v0 has no pattern type: LITERAL.
 */
export const createAcls: ApiHandler<CreateAclsRequest, CreateAclsResponse> = {
  apiKey: 30,
  name: 'CreateAcls',
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const store = ctx.broker.acls;
    const valid: AclBinding[] = [];
    const results = req.creations.map((c) => {
      const binding = {
        resourceType: c.resourceType,
        resourceName: c.resourceName,
        patternType: c.resourcePatternType,
        principal: c.principal,
        host: c.host,
        operation: c.operation,
        permissionType: c.permissionType,
      };
      try {
        validateNewAcl(binding);
        valid.push(binding);
        return { errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (err) {
        return { errorCode: errorCodeOf(err, ctx, c.resourceName), errorMessage: errorMessageOf(err) };
      }
    });
    await store.create(valid);
    return { throttleTimeMs: 0, results };
  },
};
