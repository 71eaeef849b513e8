/**
 * The answers of JoinGroup and SyncGroup built from a group's state, and the error answers: no
 * state of their own, shared by the coordinator's join and sync paths.
 */
import type { JoinRequest } from './coordinator-api.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Group, JoinResult, Member, SyncResult } from './group-state.js';

export const EMPTY = Buffer.alloc(0);

/** The JoinGroup answer for `member`; the leader also gets every member's metadata. */
export function joinResponse(group: Group, member: Member): JoinResult {
  const isLeader = member.memberId === group.leaderId;
  return {
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? '',
    memberId: member.memberId,
    members: isLeader
      ? [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY,
        }))
      : [],
  };
}

export function joinError(errorCode: number, memberId: string): JoinResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    memberId,
    members: [],
  };
}

export function syncResponse(group: Group, member: Member): SyncResult {
  return {
    errorCode: ErrorCode.NONE,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    assignment: member.assignment,
  };
}

/** Whether a rejoining member asks with exactly the protocols it joined with. */
export function sameProtocols(member: Member, req: JoinRequest): boolean {
  if (member.protocols.length !== req.protocols.length) return false;
  return member.protocols.every(
    (p, i) => p.name === req.protocols[i].name && p.metadata.equals(req.protocols[i].metadata),
  );
}

/** A request from a member id the group does not know: a fenced static instance, or unknown. */
export function missingMember(group: Group, groupInstanceId: string | null): number {
  return groupInstanceId !== null && group.staticMembers.has(groupInstanceId)
    ? ErrorCode.FENCED_INSTANCE_ID
    : ErrorCode.UNKNOWN_MEMBER_ID;
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}
