/**
 * DescribeGroups, ListGroups and DeleteGroups over the coordinator's groups and the offset store:
 * they read (or drop) a group whole and take no part in the rebalance protocol.
 */
import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/errors.js';
import type { DescribedGroup } from './coordinator-api.js';
import type { Group, GroupState } from './group-state.js';
import type { OffsetStore } from './offset-store.js';
import { EMPTY } from './responses.js';

/** DescribeGroups: a group this coordinator does not hold is Empty if it has offsets, else Dead. */
export function describeGroup(
  groups: ReadonlyMap<string, Group>,
  offsets: OffsetStore,
  groupId: string,
): DescribedGroup {
  const group = groups.get(groupId);
  if (!group) {
    const known = offsets.hasOffsets(groupId);
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: known ? 'Empty' : 'Dead',
      protocolType: known ? 'consumer' : '',
      protocolName: '',
      members: [],
    };
  }
  // Members' metadata and assignments are only meaningful once the group has settled.
  const settled = group.state === 'Stable';
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    state: group.state,
    protocolType: group.protocolType ?? '',
    protocolName: settled || group.state === 'CompletingRebalance' ? (group.protocolName ?? '') : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: settled ? (m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY) : EMPTY,
      assignment: settled ? m.assignment : EMPTY,
    })),
  };
}

/** ListGroups: groups with members or committed offsets. */
export function listGroups(
  groups: ReadonlyMap<string, Group>,
  offsets: OffsetStore,
): { groupId: string; protocolType: string; state: GroupState }[] {
  const out = new Map<string, { groupId: string; protocolType: string; state: GroupState }>();
  for (const g of offsets.groupIds()) out.set(g, { groupId: g, protocolType: 'consumer', state: 'Empty' });
  for (const group of groups.values()) {
    if (group.state === 'Dead') continue;
    if (group.state === 'Empty' && !offsets.hasOffsets(group.groupId) && group.members.size === 0) {
      if (group.pendingMembers.size === 0) continue;
    }
    out.set(group.groupId, {
      groupId: group.groupId,
      protocolType: group.protocolType ?? 'consumer',
      state: group.state,
    });
  }
  return [...out.values()];
}

/** Deletes groups that have no members; returns one error code per group. */
export async function deleteEmptyGroups(
  groups: Map<string, Group>,
  offsets: OffsetStore,
  log: Logger,
  groupIds: string[],
): Promise<{ groupId: string; errorCode: number }[]> {
  const results: { groupId: string; errorCode: number }[] = [];
  for (const groupId of groupIds) {
    const group = groups.get(groupId);
    if (group && group.state !== 'Empty') {
      results.push({
        groupId,
        errorCode: group.state === 'Dead' ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NON_EMPTY_GROUP,
      });
      continue;
    }
    if (!group && !offsets.hasOffsets(groupId)) {
      results.push({ groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
      continue;
    }
    if (group) group.state = 'Dead';
    try {
      await offsets.deleteGroup(groupId);
    } finally {
      if (group) groups.delete(groupId);
    }
    log.info({ groupId }, 'group deleted');
    results.push({ groupId, errorCode: ErrorCode.NONE });
  }
  return results;
}
