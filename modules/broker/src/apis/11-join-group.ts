import type { JoinGroupRequest, JoinGroupResponse } from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/**
 * JoinGroup: blocks until the group's join phase completes (or answers at once with an error).
 * v4+ gets MEMBER_ID_REQUIRED on a first join, as Kafka requires; v5+ carries static member ids;
 * v7+ names the protocol type in the response; v8 adds a reason; v9's skipAssignment is always
 * false (the leader always computes the assignment).
 */
export const joinGroup: ApiHandler<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  async handle(req, ctx) {
    const groups = ctx.broker.groups;
    const r = await groups.join({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: ctx.apiVersion >= 1 ? req.rebalanceTimeoutMs : -1,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      clientId: ctx.clientId ?? '',
      clientHost: clientHostOf(ctx.peer),
      requireKnownMemberId: ctx.apiVersion >= 4,
    });
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      generationId: r.generationId,
      protocolType: r.protocolType,
      // Before v7 the protocol name is not nullable.
      protocolName: ctx.apiVersion >= 7 ? r.protocolName : (r.protocolName ?? ''),
      leader: r.leader,
      skipAssignment: false,
      memberId: r.memberId,
      members: r.members,
    };
  },
};

/** Kafka reports the client host as "/address". */
export function clientHostOf(peer: string): string {
  const at = peer.lastIndexOf(':');
  return `/${at > 0 ? peer.slice(0, at) : peer}`;
}
