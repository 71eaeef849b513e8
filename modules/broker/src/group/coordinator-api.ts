/**
 * What request handlers may ask of the group coordinator (JoinGroup … DeleteGroups, OffsetCommit,
 * OffsetFetch, TxnOffsetCommit), and the request and answer shapes they exchange. Handlers depend
 * on this interface, not on the coordinator's class or on how it is started.
 */
import type { GroupState, JoinResult, SyncResult } from './group-state.js';
import type { FetchedOffset, OffsetToCommit, PartitionOffsetResult } from './offset-types.js';

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** -1 (JoinGroup v0) means "same as the session timeout". */
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: an unknown member first gets MEMBER_ID_REQUIRED with its new id. */
  requireKnownMemberId: boolean;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocolName: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

export interface GroupCoordinatorApi {
  /** JoinGroup: resolves when the rebalance the member joined completes (or is refused). */
  join(req: JoinRequest): Promise<JoinResult>;
  /** SyncGroup: resolves with the member's assignment once the leader has sent it. */
  sync(req: SyncRequest): Promise<SyncResult>;
  /** Heartbeat: the error code to answer. */
  heartbeat(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number;
  /** LeaveGroup: the group-level error and one error per member. */
  leave(
    groupId: string,
    members: MemberIdentity[],
  ): { errorCode: number; members: (MemberIdentity & { errorCode: number })[] };
  describe(groupId: string): DescribedGroup;
  list(): { groupId: string; protocolType: string; state: GroupState }[];
  /** Deletes groups that have no members; one error code per group. */
  deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number }[]>;
  /** OffsetCommit: durable (fsynced) before the returned promise resolves. */
  commitOffsets(
    groupId: string,
    generationId: number,
    memberId: string,
    groupInstanceId: string | null,
    offsets: OffsetToCommit[],
  ): Promise<PartitionOffsetResult[]>;
  /** TxnOffsetCommit: offsets held for the producer's transaction until it ends. */
  commitTxnOffsets(
    groupId: string,
    producerId: bigint,
    generationId: number,
    memberId: string,
    groupInstanceId: string | null,
    offsets: OffsetToCommit[],
  ): Promise<PartitionOffsetResult[]>;
  /** OffsetFetch; `partitions` null asks for every partition the group has committed. */
  fetchOffsets(
    groupId: string,
    partitions: { topic: string; partition: number }[] | null,
    requireStable: boolean,
  ): FetchedOffset[];
}
