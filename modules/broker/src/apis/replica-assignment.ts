/**
 * Manual replica assignments (CreateTopics `assignments`, CreatePartitions `assignments`,
 * AlterPartitionReassignments `replicas`), validated in the order and with the messages of Kafka 3.x's
 * controller: a replica list must not be empty, must name registered brokers only, each once, and
 * have as many replicas as the topic's other partitions. This broker is the only registered one.
 */
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export function validateManualAssignment(
  replicas: readonly number[],
  registeredBrokers: ReadonlySet<number>,
  replicationFactor: number | undefined,
): void {
  if (replicas.length === 0) {
    throw new KafkaError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      'The manual partition assignment includes an empty replica list.',
    );
  }
  const sorted = [...replicas].sort((a, b) => a - b);
  let previous: number | undefined;
  for (const id of sorted) {
    if (!registeredBrokers.has(id)) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment includes broker ${id}, but no such broker is registered.`,
      );
    }
    if (id === previous) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment includes the broker ${id} more than once.`,
      );
    }
    previous = id;
  }
  if (replicationFactor !== undefined && sorted.length !== replicationFactor) {
    throw new KafkaError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
    );
  }
}

/**
 * CreateTopics with `assignments`: numPartitions and replicationFactor must be -1 (INVALID_REQUEST
 * otherwise), each partition assigned once, the indexes 0..n-1, every replica list valid and all of
 * the same length. Returns the partition count.
 */
export function validateCreateTopicAssignments(
  assignments: readonly { partitionIndex: number; brokerIds: readonly number[] }[],
  numPartitions: number,
  replicationFactor: number,
  registeredBrokers: ReadonlySet<number>,
): number {
  if (replicationFactor !== -1) {
    throw new KafkaError(
      ErrorCode.INVALID_REQUEST,
      'A manual partition assignment was specified, but replication factor was not set to -1.',
    );
  }
  if (numPartitions !== -1) {
    throw new KafkaError(
      ErrorCode.INVALID_REQUEST,
      'A manual partition assignment was specified, but numPartitions was not set to -1.',
    );
  }
  const seen = new Set<number>();
  let factor: number | undefined;
  for (const a of assignments) {
    if (seen.has(a.partitionIndex)) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Found multiple manual partition assignments for partition ${a.partitionIndex}`,
      );
    }
    seen.add(a.partitionIndex);
    validateManualAssignment(a.brokerIds, registeredBrokers, factor);
    factor = a.brokerIds.length;
  }
  for (let i = 0; i < seen.size; i++) {
    if (!seen.has(i)) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'partitions should be a consecutive 0-based integer sequence',
      );
    }
  }
  return seen.size;
}
