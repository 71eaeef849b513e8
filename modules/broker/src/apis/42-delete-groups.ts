import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/** DeleteGroups: removes groups without members, with their committed offsets. */
export const deleteGroups: ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const groups = ctx.broker.groups;
    return { throttleTimeMs: 0, results: await groups.deleteGroups(req.groupsNames) };
  },
};
