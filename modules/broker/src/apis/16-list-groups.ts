import type { ListGroupsRequest, ListGroupsResponse } from '../protocol/messages.generated.js';
import { ErrorCode } from '../protocol/errors.js';
import type { ApiHandler } from './handler.js';

/** ListGroups: every group known to the coordinator; v4 filters by state, v5 by type ("classic"). */
export const listGroups: ApiHandler<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const groups = ctx.broker.groups;
    const states = new Set(req.statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(req.typesFilter.map((s) => s.toLowerCase()));
    const listed = groups
      .list()
      .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
      .filter(() => types.size === 0 || types.has('classic'));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: listed.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: g.state,
        groupType: 'classic',
      })),
    };
  },
};
