import { type AclFilter, validateFilter } from '../acl/acl-binding.js';
import { ErrorCode } from '../protocol/errors.js';
import type {
  DeleteAclsRequest,
  DeleteAclsResponse,
  DeleteAclsResponseDeleteAclsFilterResult,
} from '../protocol/messages.generated.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import type { ApiHandler } from './handler.js';

/**
 * DeleteAcls: removes (durably, before the answer) the bindings each filter matches and lists them
 * per filter; a filter with an UNKNOWN part is INVALID_REQUEST and removes nothing.
 */
export const deleteAcls: ApiHandler<DeleteAclsRequest, DeleteAclsResponse> = {
  apiKey: 31,
  name: 'DeleteAcls',
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const filters = req.filters.map(
      (f): AclFilter => ({
        resourceType: f.resourceTypeFilter,
        resourceName: f.resourceNameFilter,
        patternType: f.patternTypeFilter,
        principal: f.principalFilter,
        host: f.hostFilter,
        operation: f.operation,
        permissionType: f.permissionType,
      }),
    );
    const errors = filters.map((f) => {
      try {
        validateFilter(f);
        return null;
      } catch (err) {
        return { errorCode: errorCodeOf(err, ctx, 'DeleteAcls'), errorMessage: errorMessageOf(err) };
      }
    });
    const validFilters = filters.filter((_, i) => errors[i] === null);
    const deleted = await ctx.broker.acls.delete(validFilters);
    let next = 0;
    const filterResults = errors.map((error): DeleteAclsResponseDeleteAclsFilterResult => {
      if (error) return { ...error, matchingAcls: [] };
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: deleted[next++].map((b) => ({
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType: b.resourceType,
          resourceName: b.resourceName,
          patternType: b.patternType,
          principal: b.principal,
          host: b.host,
          operation: b.operation,
          permissionType: b.permissionType,
        })),
      };
    });
    return { throttleTimeMs: 0, filterResults };
  },
};
