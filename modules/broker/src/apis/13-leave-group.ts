import type { LeaveGroupRequest, LeaveGroupResponse } from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/** LeaveGroup: v0–v2 name one member; v3+ a batch of members (by member id or instance id). */
export const leaveGroup: ApiHandler<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const groups = ctx.broker.groups;
    if (ctx.apiVersion < 3) {
      const r = groups.leave(req.groupId, [{ memberId: req.memberId, groupInstanceId: null }]);
      return { throttleTimeMs: 0, errorCode: r.members[0]?.errorCode ?? r.errorCode };
    }
    const r = groups.leave(
      req.groupId,
      req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })),
    );
    return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
  },
};
