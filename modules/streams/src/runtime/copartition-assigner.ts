import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Assigns partition numbers, not topic-partitions: every subscribed topic's partition p goes to the
 * same member. Tasks are keyed by partition number and read all their co-partitioned sources
 * (a stream and the table it joins, a repartition topic and its downstream), so a task's inputs must
 * never be split between instances. Members are sorted so each rebalance is deterministic, and
 * partitions are dealt round-robin.
 */
export function assignPartitionNumbers(
  memberIds: readonly string[],
  partitionCount: number,
): Map<string, number[]> {
  const members = [...memberIds].sort();
  const out = new Map<string, number[]>(members.map((m) => [m, []]));
  for (let p = 0; p < partitionCount; p++) out.get(members[p % members.length]!)!.push(p);
  return out;
}

export const COPARTITION_ASSIGNER_NAME = 'meterstream-copartitioned';

export const copartitionAssigner: PartitionAssigner = ({ cluster }) => ({
  name: COPARTITION_ASSIGNER_NAME,
  version: 1,
  async assign({ members, topics }) {
    const partitionsOf = new Map(
      topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId)]),
    );
    const maxPartitions = Math.max(0, ...[...partitionsOf.values()].map((ps) => ps.length));
    const byMember = assignPartitionNumbers(
      members.map((m) => m.memberId),
      maxPartitions,
    );
    return members.map(({ memberId }) => {
      const numbers = new Set(byMember.get(memberId));
      const assignment: Record<string, number[]> = {};
      for (const [topic, partitions] of partitionsOf) {
        const mine = partitions.filter((p) => numbers.has(p));
        if (mine.length) assignment[topic] = mine;
      }
      return {
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment,
          userData: Buffer.alloc(0),
        }),
      };
    });
  },
  protocol({ topics }) {
    return {
      name: COPARTITION_ASSIGNER_NAME,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    };
  },
});
