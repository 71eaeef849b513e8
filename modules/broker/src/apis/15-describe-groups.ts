import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/** No ACLs here: every operation on a group is allowed (bits READ, DELETE, DESCRIBE). */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

/** DescribeGroups: state, protocol and members (with metadata and assignment once Stable). */
export const describeGroups: ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const groups = ctx.broker.groups;
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((id) => {
        const g = groups.describe(id);
        return {
          errorCode: g.errorCode,
          groupId: g.groupId,
          groupState: g.state,
          protocolType: g.protocolType,
          protocolData: g.protocolName,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: req.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : -2147483648,
        };
      }),
    };
  },
};
