import type { SyncGroupRequest, SyncGroupResponse } from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/** SyncGroup: the leader hands in the assignment; every member waits for and receives its part. */
export const syncGroup: ApiHandler<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(req, ctx) {
    const groups = ctx.broker.groups;
    const r = await groups.sync({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      protocolType: ctx.apiVersion >= 5 ? req.protocolType : null,
      protocolName: ctx.apiVersion >= 5 ? req.protocolName : null,
      assignments: req.assignments,
    });
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      protocolType: r.protocolType,
      protocolName: r.protocolName,
      assignment: r.assignment,
    };
  },
};
