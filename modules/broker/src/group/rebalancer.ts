import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/errors.js';
import type { Clock } from './clock.js';
import type { Group, Member } from './group-state.js';
import { selectProtocol } from './protocol-selection.js';
import { EMPTY, joinError, joinResponse, syncError } from './responses.js';

/**
 * The transitions of a group's rebalance that timers and departures drive, apart from the requests
 * that start them: preparing a rebalance (with the initial delay of a new group), completing the
 * join phase into a new generation, member sessions and their expiry, removing a member. The
 * GroupCoordinator answers the requests and calls these; every state stays on the event loop.
 */
export class Rebalancer {
  /** Groups whose first rebalance is still inside the initial delay. */
  private readonly initialDelay = new Set<Group>();

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Kafka's group.initial.rebalance.delay.ms (0: no delay). */
    private readonly initialRebalanceDelayMs: number,
  ) {}

  prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'PreparingRebalance' || group.state === 'Dead') return;
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        const waiting = m.awaitingSync;
        m.awaitingSync = undefined;
        waiting?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    this.log.info(
      { groupId: group.groupId, generationId: group.generationId, reason },
      'preparing rebalance',
    );
    const timeout = group.rebalanceTimeoutMs();
    if (wasEmpty && this.initialRebalanceDelayMs > 0) {
      this.initialDelay.add(group);
      group.joinTimer = this.clock.setTimeout(
        () => {
          this.initialDelay.delete(group);
          group.joinTimer = this.clock.setTimeout(
            () => this.completeJoin(group),
            Math.max(0, timeout - this.initialRebalanceDelayMs),
          );
          this.maybeCompleteJoin(group);
        },
        Math.min(this.initialRebalanceDelayMs, timeout),
      );
    } else {
      group.joinTimer = this.clock.setTimeout(() => this.completeJoin(group), timeout);
    }
    this.maybeCompleteJoin(group);
  }

  maybeCompleteJoin(group: Group): void {
    if (group.state === 'PreparingRebalance' && !this.initialDelay.has(group) && group.allMembersJoined()) {
      this.completeJoin(group);
    }
  }

  /** Ends the join phase: members that did not rejoin are dropped, a new generation starts. */
  private completeJoin(group: Group): void {
    if (group.joinTimer) this.clock.clearTimeout(group.joinTimer);
    group.joinTimer = undefined;
    this.initialDelay.delete(group);
    if (group.state !== 'PreparingRebalance') return;
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin) {
        this.log.info(
          { groupId: group.groupId, memberId: m.memberId },
          'member did not rejoin in time; removed',
        );
        this.removeMember(group, m, ErrorCode.UNKNOWN_MEMBER_ID);
      }
    }
    for (const t of group.pendingMembers.values()) this.clock.clearTimeout(t);
    group.pendingMembers.clear();
    group.generationId += 1;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      this.log.info({ groupId: group.groupId, generationId: group.generationId }, 'group is empty');
      return;
    }
    group.protocolName = selectProtocol([...group.members.values()]);
    if (group.leaderId === null || !group.members.has(group.leaderId)) {
      group.leaderId = group.members.keys().next().value ?? null;
    }
    group.state = 'CompletingRebalance';
    this.log.info(
      {
        groupId: group.groupId,
        generationId: group.generationId,
        members: group.members.size,
        leader: group.leaderId,
      },
      'rebalance: new generation',
    );
    for (const m of group.members.values()) {
      const resolve = m.awaitingJoin;
      m.awaitingJoin = undefined;
      this.scheduleSession(group, m);
      resolve?.(joinResponse(group, m));
    }
  }

  scheduleSession(group: Group, member: Member): void {
    if (member.sessionTimer) this.clock.clearTimeout(member.sessionTimer);
    member.sessionTimer = this.clock.setTimeout(() => {
      member.sessionTimer = undefined;
      if (group.members.get(member.memberId) !== member) return;
      // A member blocked in JoinGroup or SyncGroup is alive: its request is waiting on us.
      if (member.awaitingJoin || member.awaitingSync) {
        this.scheduleSession(group, member);
        return;
      }
      this.log.info(
        { groupId: group.groupId, memberId: member.memberId, sessionTimeoutMs: member.sessionTimeoutMs },
        'member session expired',
      );
      this.removeMemberAndRebalance(group, member, 'session timeout');
    }, member.sessionTimeoutMs);
  }

  removeMember(group: Group, member: Member, answer: number): void {
    if (member.sessionTimer) this.clock.clearTimeout(member.sessionTimer);
    member.sessionTimer = undefined;
    group.members.delete(member.memberId);
    if (
      member.groupInstanceId !== null &&
      group.staticMembers.get(member.groupInstanceId) === member.memberId
    ) {
      group.staticMembers.delete(member.groupInstanceId);
    }
    const join = member.awaitingJoin;
    const sync = member.awaitingSync;
    member.awaitingJoin = undefined;
    member.awaitingSync = undefined;
    join?.(joinError(answer, member.memberId));
    sync?.(syncError(answer));
  }

  removeMemberAndRebalance(group: Group, member: Member, reason: string): void {
    this.removeMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance')
      this.prepareRebalance(group, reason);
    else this.maybeCompleteJoin(group);
  }
}
