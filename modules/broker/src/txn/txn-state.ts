/** Transaction states, as Kafka's transaction coordinator names them. */
export type TxnState =
  | 'Empty'
  | 'Ongoing'
  | 'PrepareCommit'
  | 'PrepareAbort'
  | 'CompleteCommit'
  | 'CompleteAbort';

/** What the coordinator knows about one transactional id. */
export interface TxnMeta {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  /** Partitions written in the current transaction, as "topic\u0000partition". */
  partitions: Set<string>;
  /** Consumer groups whose offsets the current transaction commits. */
  groups: Set<string>;
  /** When the current transaction started (first AddPartitions/AddOffsets), ms since epoch. */
  startedAt: number;
}

/** One journal line of the transaction coordinator. */
export type TxnJournalEntry =
  | { t: 'next-pid'; next: bigint }
  | {
      t: 'txn';
      id: string;
      pid: bigint;
      epoch: number;
      timeoutMs: number;
      state: TxnState;
      partitions: string[];
      groups: string[];
      startedAt: number;
    };

export function toEntry(m: TxnMeta): TxnJournalEntry {
  return {
    t: 'txn',
    id: m.transactionalId,
    pid: m.producerId,
    epoch: m.producerEpoch,
    timeoutMs: m.timeoutMs,
    state: m.state,
    partitions: [...m.partitions],
    groups: [...m.groups],
    startedAt: m.startedAt,
  };
}

export function fromEntry(e: Extract<TxnJournalEntry, { t: 'txn' }>): TxnMeta {
  return {
    transactionalId: e.id,
    producerId: e.pid,
    producerEpoch: e.epoch,
    timeoutMs: e.timeoutMs,
    state: e.state,
    partitions: new Set(e.partitions),
    groups: new Set(e.groups),
    startedAt: e.startedAt,
  };
}
