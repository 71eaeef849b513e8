import type { AclBinding } from '../acl/acl-binding.js';
import { validateFilter } from '../acl/acl-binding.js';
import { ErrorCode } from '../protocol/errors.js';
import type {
  DescribeAclsRequest,
  DescribeAclsResponse,
  DescribeAclsResponseDescribeAclsResource,
} from '../protocol/messages.generated.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import type { ApiHandler } from './handler.js';

/**
 * DescribeAcls: the stored bindings the filter matches, grouped by resource pattern as Kafka
 * answers. A filter with an UNKNOWN part is INVALID_REQUEST.
 */
export const describeAcls: ApiHandler<DescribeAclsRequest, DescribeAclsResponse> = {
  apiKey: 29,
  name: 'DescribeAcls',
  minVersion: 0,
  maxVersion: 3,
  handle(req, ctx) {
    const filter = {
      resourceType: req.resourceTypeFilter,
      resourceName: req.resourceNameFilter,
      patternType: req.patternTypeFilter,
      principal: req.principalFilter,
      host: req.hostFilter,
      operation: req.operation,
      permissionType: req.permissionType,
    };
    try {
      validateFilter(filter);
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        resources: groupByResource(ctx.broker.acls.describe(filter)),
      };
    } catch (err) {
      return {
        throttleTimeMs: 0,
        errorCode: errorCodeOf(err, ctx, 'DescribeAcls'),
        errorMessage: errorMessageOf(err),
        resources: [],
      };
    }
  },
};

function groupByResource(bindings: readonly AclBinding[]): DescribeAclsResponseDescribeAclsResource[] {
  const byResource = new Map<string, DescribeAclsResponseDescribeAclsResource>();
  for (const b of bindings) {
    const key = JSON.stringify([b.resourceType, b.resourceName, b.patternType]);
    let resource = byResource.get(key);
    if (!resource) {
      resource = {
        resourceType: b.resourceType,
        resourceName: b.resourceName,
        patternType: b.patternType,
        acls: [],
      };
      byResource.set(key, resource);
    }
    resource.acls.push({
      principal: b.principal,
      host: b.host,
      operation: b.operation,
      permissionType: b.permissionType,
    });
  }
  return [...byResource.values()];
}
