import type { HeartbeatRequest, HeartbeatResponse } from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/** Heartbeat: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin. */
export const heartbeat: ApiHandler<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    const groups = ctx.broker.groups;
    const errorCode = groups.heartbeat(req.groupId, req.generationId, req.memberId, req.groupInstanceId);
    return { throttleTimeMs: 0, errorCode };
  },
};
