import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/errors.js';
import { type Clock, systemClock } from './clock.js';
import { Group, type GroupState, type JoinResult, type Member, type SyncResult } from './group-state.js';
import { OffsetStore } from './offset-store.js';
import {
  type FetchedOffset,
  type OffsetToCommit,
  type PartitionOffsetResult,
  splitPartitionKey,
} from './offset-types.js';
import { supportsGroupProtocols } from './protocol-selection.js';
import { Rebalancer } from './rebalancer.js';
import { deleteEmptyGroups, describeGroup, listGroups } from './group-admin.js';
import { fetchCommittedOffsets } from './offset-fetch.js';
import {
  EMPTY,
  joinError,
  joinResponse,
  missingMember,
  sameProtocols,
  syncError,
  syncResponse,
} from './responses.js';
import type {
  DescribedGroup,
  GroupCoordinatorApi,
  JoinRequest,
  MemberIdentity,
  SyncRequest,
} from './coordinator-api.js';

export interface GroupCoordinatorOptions {
  /** Directory for the offsets journal. */
  dataDir: string;
  logger: Logger;
  clock?: Clock;
  /** Session timeouts outside [min, max] are refused with INVALID_SESSION_TIMEOUT. */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /**
   * How long the first rebalance of an empty group waits for more members (Kafka's
   * group.initial.rebalance.delay.ms); 0 completes as soon as every member has joined.
   */
  initialRebalanceDelayMs?: number;
  /** Largest offset-commit metadata string accepted. */
  maxMetadataSize?: number;
}

const OFFSET_METADATA_TOO_LARGE = 12;

/**
 * The classic consumer-group protocol (JoinGroup/SyncGroup/Heartbeat/LeaveGroup) and the group
 * offsets, as Kafka's GroupCoordinator runs them. The groups live in this object on the event
 * loop; requests that must wait (join during a rebalance, sync before the leader's assignment)
 * get a promise resolved when the state machine moves — which the Rebalancer does on timers and
 * departures. DescribeGroups/ListGroups/DeleteGroups are in group-admin.ts, OffsetFetch in
 * offset-fetch.ts, the JoinGroup/SyncGroup answers in responses.ts.
 */
export class GroupCoordinator implements GroupCoordinatorApi {
  private readonly groups = new Map<string, Group>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private readonly rebalancer: Rebalancer;
  private readonly maxMetadataSize: number;

  private constructor(
    readonly offsets: OffsetStore,
    options: GroupCoordinatorOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = options.logger.child({ component: 'group-coordinator' });
    this.minSessionTimeoutMs = options.minSessionTimeoutMs ?? 1000;
    this.maxSessionTimeoutMs = options.maxSessionTimeoutMs ?? 1_800_000;
    this.rebalancer = new Rebalancer(this.clock, this.log, options.initialRebalanceDelayMs ?? 0);
    this.maxMetadataSize = options.maxMetadataSize ?? 4096;
  }

  static async open(options: GroupCoordinatorOptions): Promise<GroupCoordinator> {
    return new GroupCoordinator(await OffsetStore.open(options.dataDir, options.logger), options);
  }

  /** Stops every timer and answers waiting requests, then closes the journal. */
  async close(): Promise<void> {
    for (const group of this.groups.values()) {
      if (group.joinTimer) this.clock.clearTimeout(group.joinTimer);
      for (const t of group.pendingMembers.values()) this.clock.clearTimeout(t);
      for (const m of group.members.values()) {
        if (m.sessionTimer) this.clock.clearTimeout(m.sessionTimer);
        m.awaitingJoin?.(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.memberId));
        m.awaitingSync?.(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      }
    }
    this.groups.clear();
    await this.offsets.close();
  }

  // ---------------------------------------------------------------- membership

  join(req: JoinRequest): Promise<JoinResult> {
    if (req.groupId.length === 0) return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, req.memberId));
    if (req.sessionTimeoutMs < this.minSessionTimeoutMs || req.sessionTimeoutMs > this.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    }
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.memberId !== '') return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
      group = new Group(req.groupId);
      this.groups.set(req.groupId, group);
    }
    if (group.state === 'Dead')
      return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    if (
      !supportsGroupProtocols(
        group.protocolType,
        group.members.values(),
        group.members.size,
        req.protocolType,
        req.protocols,
      )
    ) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    return req.memberId === '' ? this.joinUnknownMember(group, req) : this.joinKnownMember(group, req);
  }

  private joinUnknownMember(group: Group, req: JoinRequest): Promise<JoinResult> {
    const memberId = `${req.clientId || 'member'}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      // A static member coming back under a new member id replaces its old incarnation (which
      // is fenced). If nothing about it changed and the group is Stable it keeps its assignment
      // and no rebalance happens — the point of static membership.
      const old = group.staticMembers.get(req.groupInstanceId);
      const oldMember = old === undefined ? undefined : group.members.get(old);
      if (oldMember && group.state === 'Stable' && sameProtocols(oldMember, req)) {
        return Promise.resolve(this.replaceStaticMember(group, oldMember, memberId, req));
      }
      if (oldMember) this.rebalancer.removeMember(group, oldMember, ErrorCode.FENCED_INSTANCE_ID);
      return this.addMemberAndRebalance(group, memberId, req);
    }
    if (req.requireKnownMemberId) {
      const timer = this.clock.setTimeout(() => {
        group.pendingMembers.delete(memberId);
        this.rebalancer.maybeCompleteJoin(group);
      }, req.sessionTimeoutMs);
      group.pendingMembers.set(memberId, timer);
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    return this.addMemberAndRebalance(group, memberId, req);
  }

  private joinKnownMember(group: Group, req: JoinRequest): Promise<JoinResult> {
    const pendingTimer = group.pendingMembers.get(req.memberId);
    if (pendingTimer !== undefined) {
      this.clock.clearTimeout(pendingTimer);
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req.memberId, req);
    }
    const member = group.members.get(req.memberId);
    if (!member) return Promise.resolve(joinError(missingMember(group, req.groupInstanceId), req.memberId));
    if (member.groupInstanceId !== req.groupInstanceId) {
      return Promise.resolve(joinError(ErrorCode.FENCED_INSTANCE_ID, req.memberId));
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return this.awaitJoin(group, member, req);
      case 'CompletingRebalance':
        // A member that lost the JoinGroup response asks again: same protocols → same answer.
        if (sameProtocols(member, req)) return Promise.resolve(joinResponse(group, member));
        return this.awaitJoin(group, member, req);
      case 'Stable':
        if (member.memberId !== group.leaderId && sameProtocols(member, req)) {
          this.rebalancer.scheduleSession(group, member);
          return Promise.resolve(joinResponse(group, member));
        }
        return this.awaitJoin(group, member, req);
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
  }

  private replaceStaticMember(group: Group, old: Member, memberId: string, req: JoinRequest): JoinResult {
    const wasLeader = group.leaderId === old.memberId;
    this.rebalancer.removeMember(group, old, ErrorCode.FENCED_INSTANCE_ID);
    const member: Member = {
      ...old,
      memberId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
      awaitingJoin: undefined,
      awaitingSync: undefined,
      sessionTimer: undefined,
    };
    group.members.set(memberId, member);
    group.staticMembers.set(req.groupInstanceId!, memberId);
    if (wasLeader) group.leaderId = memberId;
    this.rebalancer.scheduleSession(group, member);
    this.log.info(
      { groupId: group.groupId, memberId, groupInstanceId: req.groupInstanceId },
      'static member rejoined',
    );
    return joinResponse(group, member);
  }

  private addMemberAndRebalance(group: Group, memberId: string, req: JoinRequest): Promise<JoinResult> {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: EMPTY,
    };
    if (group.members.size === 0) group.protocolType = req.protocolType;
    group.members.set(memberId, member);
    if (req.groupInstanceId !== null) group.staticMembers.set(req.groupInstanceId, memberId);
    this.log.debug({ groupId: group.groupId, memberId, clientHost: req.clientHost }, 'member joins');
    return this.awaitJoin(group, member, req);
  }

  private awaitJoin(group: Group, member: Member, req: JoinRequest): Promise<JoinResult> {
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs;
    // A repeated JoinGroup supersedes the earlier one still waiting.
    member.awaitingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    const result = new Promise<JoinResult>((resolve) => {
      member.awaitingJoin = resolve;
    });
    if (group.state === 'PreparingRebalance') this.rebalancer.maybeCompleteJoin(group);
    else this.rebalancer.prepareRebalance(group, `member ${member.memberId} joined`);
    return result;
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (!member) return Promise.resolve(syncError(missingMember(group, req.groupInstanceId)));
    if (member.groupInstanceId !== req.groupInstanceId)
      return Promise.resolve(syncError(ErrorCode.FENCED_INSTANCE_ID));
    if (req.generationId !== group.generationId)
      return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    ) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        this.rebalancer.scheduleSession(group, member);
        member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        const result = new Promise<SyncResult>((resolve) => {
          member.awaitingSync = resolve;
        });
        if (member.memberId === group.leaderId) {
          const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
          for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY;
          group.state = 'Stable';
          this.log.info({ groupId: group.groupId, generationId: group.generationId }, 'group stable');
          for (const m of group.members.values()) {
            const resolve = m.awaitingSync;
            m.awaitingSync = undefined;
            resolve?.(syncResponse(group, m));
          }
        }
        return result;
      }
      case 'Stable':
        this.rebalancer.scheduleSession(group, member);
        return Promise.resolve(syncResponse(group, member));
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const member = group.members.get(memberId);
    if (!member) return missingMember(group, groupInstanceId);
    if (member.groupInstanceId !== groupInstanceId) return ErrorCode.FENCED_INSTANCE_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.rebalancer.scheduleSession(group, member);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Removes members (LeaveGroup); returns the group-level error and one error per member. */
  leave(
    groupId: string,
    members: MemberIdentity[],
  ): { errorCode: number; members: (MemberIdentity & { errorCode: number })[] } {
    const group = this.groups.get(groupId);
    if (!group || group.state === 'Dead') {
      return {
        errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
        members: members.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })),
      };
    }
    const results = members.map((who) => {
      const memberId =
        who.memberId === '' && who.groupInstanceId !== null
          ? (group.staticMembers.get(who.groupInstanceId) ?? '')
          : who.memberId;
      const pendingTimer = group.pendingMembers.get(memberId);
      if (pendingTimer !== undefined) {
        this.clock.clearTimeout(pendingTimer);
        group.pendingMembers.delete(memberId);
        this.rebalancer.maybeCompleteJoin(group);
        return { ...who, errorCode: ErrorCode.NONE };
      }
      const member = group.members.get(memberId);
      if (!member) return { ...who, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      if (who.groupInstanceId !== null && member.groupInstanceId !== who.groupInstanceId) {
        return { ...who, errorCode: ErrorCode.FENCED_INSTANCE_ID };
      }
      this.log.info({ groupId, memberId }, 'member leaves');
      this.rebalancer.removeMemberAndRebalance(group, member, 'member left');
      return { ...who, errorCode: ErrorCode.NONE };
    });
    return { errorCode: ErrorCode.NONE, members: results };
  }

  // ---------------------------------------------------------------- admin

  describe(groupId: string): DescribedGroup {
    return describeGroup(this.groups, this.offsets, groupId);
  }

  list(): { groupId: string; protocolType: string; state: GroupState }[] {
    return listGroups(this.groups, this.offsets);
  }

  /** Deletes groups that have no members; returns one error code per group. */
  deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number }[]> {
    return deleteEmptyGroups(this.groups, this.offsets, this.log, groupIds);
  }

  // ---------------------------------------------------------------- offsets

  /**
   * The error that refuses a commit from (generationId, memberId) for the group, or NONE.
   * generationId < 0 with no member id is a commit from outside the group protocol (admin tools,
   * manual assignment), allowed only while the group has no members.
   */
  private commitGroupError(
    groupId: string,
    generationId: number,
    memberId: string,
    groupInstanceId: string | null,
  ): number {
    if (groupId.length === 0) return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group) return generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.state === 'Empty') return ErrorCode.NONE;
    const member = group.members.get(memberId);
    if (!member) return missingMember(group, groupInstanceId);
    if (groupInstanceId !== null && member.groupInstanceId !== groupInstanceId)
      return ErrorCode.FENCED_INSTANCE_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    // A commit proves the member is alive, like a heartbeat.
    this.rebalancer.scheduleSession(group, member);
    return ErrorCode.NONE;
  }

  /** OffsetCommit: durable (fsynced) before the returned promise resolves. */
  async commitOffsets(
    groupId: string,
    generationId: number,
    memberId: string,
    groupInstanceId: string | null,
    offsets: OffsetToCommit[],
  ): Promise<PartitionOffsetResult[]> {
    const groupError = this.commitGroupError(groupId, generationId, memberId, groupInstanceId);
    if (groupError !== ErrorCode.NONE)
      return offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode: groupError }));
    const accepted = offsets.filter((o) => (o.metadata?.length ?? 0) <= this.maxMetadataSize);
    await this.offsets.commit(groupId, accepted, this.clock.now());
    return offsets.map((o) => ({
      topic: o.topic,
      partition: o.partition,
      errorCode: accepted.includes(o) ? ErrorCode.NONE : OFFSET_METADATA_TOO_LARGE,
    }));
  }

  /** TxnOffsetCommit: offsets held for the producer's transaction until it ends. */
  async commitTxnOffsets(
    groupId: string,
    producerId: bigint,
    generationId: number,
    memberId: string,
    groupInstanceId: string | null,
    offsets: OffsetToCommit[],
  ): Promise<PartitionOffsetResult[]> {
    // Before TxnOffsetCommit v3 there is no member information: generation -1 and an empty id.
    const groupError =
      generationId < 0 && memberId === ''
        ? groupId.length === 0
          ? ErrorCode.INVALID_GROUP_ID
          : ErrorCode.NONE
        : this.commitGroupError(groupId, generationId, memberId, groupInstanceId);
    if (groupError !== ErrorCode.NONE)
      return offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode: groupError }));
    await this.offsets.commit(groupId, offsets, this.clock.now(), producerId);
    return offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode: ErrorCode.NONE }));
  }

  /** Applies (commit) or discards (abort) a producer's transactional offsets for the groups. */
  endTransaction(producerId: bigint, groupIds: string[], commit: boolean): Promise<void> {
    return this.offsets.endTransaction(producerId, groupIds, commit);
  }

  /** OffsetFetch (see fetchCommittedOffsets). */
  fetchOffsets(
    groupId: string,
    partitions: { topic: string; partition: number }[] | null,
    requireStable: boolean,
  ): FetchedOffset[] {
    return fetchCommittedOffsets(this.offsets, groupId, partitions, requireStable);
  }

  /** Every committed offset (group, topic, partition, offset), e.g. for lag metrics. */
  *committedOffsets(): Generator<{ groupId: string; topic: string; partition: number; offset: bigint }> {
    for (const { groupId, key, offset } of this.offsets.entries()) {
      yield { groupId, ...splitPartitionKey(key), offset: offset.offset };
    }
  }

  /** State of a group, for tests and logs. */
  stateOf(groupId: string): GroupState {
    return this.groups.get(groupId)?.state ?? (this.offsets.hasOffsets(groupId) ? 'Empty' : 'Dead');
  }
}
