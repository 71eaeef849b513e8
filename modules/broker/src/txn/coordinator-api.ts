/**
 * What request handlers may ask of the transaction coordinator (InitProducerId, AddPartitionsToTxn,
 * AddOffsetsToTxn, EndTxn, TxnOffsetCommit's check). Handlers depend on this interface, not on the
 * coordinator's class or on how it is started.
 */
export interface TransactionCoordinatorApi {
  /** InitProducerId: a new id (idempotent producer) or the transactional id's, epoch bumped. */
  initProducerId(
    transactionalId: string | null,
    timeoutMs: number,
    expected: { producerId: bigint; producerEpoch: number },
  ): Promise<{ errorCode: number; producerId: bigint; producerEpoch: number }>;
  addPartitions(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    partitions: { topic: string; partition: number }[],
  ): Promise<{ topic: string; partition: number; errorCode: number }[]>;
  /** AddOffsetsToTxn: the error code to answer. */
  addOffsets(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    groupId: string,
  ): Promise<number>;
  /** EndTxn: the error code to answer. */
  endTxn(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    commit: boolean,
  ): Promise<number>;
  /** TxnOffsetCommit's transaction check: the error code to answer, or NONE. */
  verifyTxnOffsetCommit(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    groupId: string,
  ): number;
}
