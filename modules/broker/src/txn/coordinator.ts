import type { Logger } from 'pino';
import { type Clock, systemClock, type TimerHandle } from '../group/clock.js';
import { partitionKey, splitPartitionKey } from '../group/offset-types.js';
import { ErrorCode } from '../protocol/errors.js';
import { Journal } from '../state/journal.js';
import { fromEntry, type TxnJournalEntry, type TxnMeta, toEntry } from './txn-state.js';
import type { TransactionCoordinatorApi } from './coordinator-api.js';

/** What the transaction coordinator needs from the rest of the broker. */
export interface TxnParticipants {
  /** Whether topic/partition exists (AddPartitionsToTxn refuses unknown ones). */
  partitionExists(topic: string, partition: number): boolean;
  /** Writes a COMMIT/ABORT control batch; resolves once it is durable and visible. */
  writeMarker(
    topic: string,
    partition: number,
    producerId: bigint,
    producerEpoch: number,
    commit: boolean,
  ): Promise<void>;
  /** Makes the transaction's group offsets visible (commit) or drops them (abort). */
  endGroupOffsets(producerId: bigint, groupIds: string[], commit: boolean): Promise<void>;
}

export interface TxnCoordinatorOptions {
  dataDir: string;
  logger: Logger;
  participants: TxnParticipants;
  clock?: Clock;
  /** Largest transaction timeout a producer may ask for (Kafka: transaction.max.timeout.ms). */
  maxTimeoutMs?: number;
}

const MAX_EPOCH = 32_766;
const COMPACT_MIN_ENTRIES = 10_000;

/**
 * Producer ids and transactions (Kafka's TransactionCoordinator). Producer ids come from a
 * persisted counter, so they are never reused after a restart; each transactional id keeps its
 * producer id and an epoch that InitProducerId bumps to fence older producer instances. EndTxn
 * writes a marker to every partition of the transaction, then applies or drops its offsets.
 * Every state change is journaled (fsynced) before it is acknowledged; a transaction found in a
 * Prepare state on start is completed, an Ongoing one past its timeout is aborted.
 */
export class TransactionCoordinator implements TransactionCoordinatorApi {
  private nextProducerId = 1n;
  private readonly txns = new Map<string, TxnMeta>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly participants: TxnParticipants;
  private readonly maxTimeoutMs: number;
  private closed = false;

  private constructor(
    private readonly journal: Journal<TxnJournalEntry>,
    options: TxnCoordinatorOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = options.logger.child({ component: 'txn-coordinator' });
    this.participants = options.participants;
    this.maxTimeoutMs = options.maxTimeoutMs ?? 900_000;
  }

  static async open(options: TxnCoordinatorOptions): Promise<TransactionCoordinator> {
    const { journal, entries } = await Journal.open<TxnJournalEntry>(
      options.dataDir,
      'transactions.jsonl',
      options.logger,
    );
    const tc = new TransactionCoordinator(journal, options);
    for (const e of entries) {
      if (e.t === 'txn') tc.txns.set(e.id, fromEntry(e));
      // bigint: Math.max does not apply.
      else if (e.next > tc.nextProducerId) tc.nextProducerId = e.next;
    }
    await tc.recover();
    return tc;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
    await this.journal.close();
  }

  /** Finishes what a crash interrupted: Prepare states are completed, expired transactions aborted. */
  private async recover(): Promise<void> {
    for (const meta of this.txns.values()) {
      if (meta.state === 'PrepareCommit' || meta.state === 'PrepareAbort') {
        this.log.info(
          { transactionalId: meta.transactionalId, state: meta.state },
          'completing transaction after restart',
        );
        const commit = meta.state === 'PrepareCommit';
        await this.completeTransaction(meta, commit).catch((err: unknown) => {
          this.log.error(
            { err, transactionalId: meta.transactionalId },
            'completing transaction failed; will retry',
          );
          this.retryCompletion(meta, commit);
        });
      } else if (meta.state === 'Ongoing') {
        this.scheduleTimeout(meta);
      }
    }
  }

  get(transactionalId: string): TxnMeta | undefined {
    return this.txns.get(transactionalId);
  }

  // ---------------------------------------------------------------- InitProducerId

  async initProducerId(
    transactionalId: string | null,
    timeoutMs: number,
    expected: { producerId: bigint; producerEpoch: number },
  ): Promise<{ errorCode: number; producerId: bigint; producerEpoch: number }> {
    const fail = (errorCode: number) => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (transactionalId === null || transactionalId === '') {
      // Idempotent producer: a fresh id each time (a restarted producer must not reuse sequences).
      return { errorCode: ErrorCode.NONE, producerId: await this.allocateProducerId(), producerEpoch: 0 };
    }
    if (timeoutMs <= 0 || timeoutMs > this.maxTimeoutMs) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    let meta = this.txns.get(transactionalId);
    if (!meta) {
      const producerId = await this.allocateProducerId();
      // Another InitProducerId for the same id may have run while we waited for the fsync.
      meta = this.txns.get(transactionalId);
      if (!meta) {
        meta = {
          transactionalId,
          producerId,
          producerEpoch: 0,
          timeoutMs,
          state: 'Empty',
          partitions: new Set(),
          groups: new Set(),
          startedAt: 0,
        };
        this.txns.set(transactionalId, meta);
        await this.persist(meta);
        this.log.info({ transactionalId, producerId }, 'new transactional producer');
        return { errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
      }
    }
    // KIP-360 (v3+): a producer naming its current id/epoch may only bump its own epoch.
    if (
      expected.producerId >= 0n &&
      (expected.producerId !== meta.producerId || expected.producerEpoch !== meta.producerEpoch)
    ) {
      return fail(ErrorCode.INVALID_PRODUCER_EPOCH);
    }
    if (meta.state === 'PrepareCommit' || meta.state === 'PrepareAbort')
      return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (meta.producerEpoch >= MAX_EPOCH) {
      meta.producerId = await this.allocateProducerId();
      meta.producerEpoch = -1;
    }
    // The new epoch fences the previous instance: its in-flight transaction is aborted with it.
    meta.producerEpoch += 1;
    meta.timeoutMs = timeoutMs;
    if (meta.state === 'Ongoing') {
      this.log.info(
        { transactionalId, producerEpoch: meta.producerEpoch },
        'new producer instance: aborting open transaction',
      );
      await this.endTransactionNow(meta, false);
    } else {
      meta.state = 'Empty';
      await this.persist(meta);
    }
    return { errorCode: ErrorCode.NONE, producerId: meta.producerId, producerEpoch: meta.producerEpoch };
  }

  private async allocateProducerId(): Promise<bigint> {
    const id = this.nextProducerId;
    this.nextProducerId += 1n;
    await this.journal.append([{ t: 'next-pid', next: this.nextProducerId }]);
    return id;
  }

  // ---------------------------------------------------------------- during a transaction

  /** Error for a request naming (transactionalId, producerId, epoch), or NONE. */
  validate(transactionalId: string, producerId: bigint, producerEpoch: number): number {
    const meta = this.txns.get(transactionalId);
    if (!meta || meta.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (meta.producerEpoch !== producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (meta.state === 'PrepareCommit' || meta.state === 'PrepareAbort')
      return ErrorCode.CONCURRENT_TRANSACTIONS;
    return ErrorCode.NONE;
  }

  /**
   * TxnOffsetCommit's transaction check, as Kafka's verification (KIP-890) answers it for the
   * group's offsets partition: the id must map to this producer and epoch, the transaction must
   * not be completing, and the group must have been added (AddOffsetsToTxn) to the ongoing
   * transaction — Kafka's TRANSACTION_ABORTABLE, which it answers as INVALID_TXN_STATE to the
   * TxnOffsetCommit versions served here (v0–3).
   */
  verifyTxnOffsetCommit(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    groupId: string,
  ): number {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    const error = this.validate(transactionalId, producerId, producerEpoch);
    if (error !== ErrorCode.NONE) return error;
    const meta = this.txns.get(transactionalId)!;
    if (meta.state !== 'Ongoing' || !meta.groups.has(groupId)) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  async addPartitions(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    partitions: { topic: string; partition: number }[],
  ): Promise<{ topic: string; partition: number; errorCode: number }[]> {
    const error = this.validate(transactionalId, producerId, producerEpoch);
    const missing = partitions.some((p) => !this.participants.partitionExists(p.topic, p.partition));
    if (error !== ErrorCode.NONE || missing) {
      return partitions.map((p) => ({
        ...p,
        errorCode:
          error !== ErrorCode.NONE
            ? error
            : this.participants.partitionExists(p.topic, p.partition)
              ? ErrorCode.OPERATION_NOT_ATTEMPTED
              : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      }));
    }
    const meta = this.txns.get(transactionalId)!;
    const before = meta.partitions.size;
    for (const p of partitions) meta.partitions.add(partitionKey(p.topic, p.partition));
    if (meta.state !== 'Ongoing' || meta.partitions.size !== before) {
      this.begin(meta);
      await this.persist(meta);
    }
    return partitions.map((p) => ({ ...p, errorCode: ErrorCode.NONE }));
  }

  async addOffsets(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    groupId: string,
  ): Promise<number> {
    const error = this.validate(transactionalId, producerId, producerEpoch);
    if (error !== ErrorCode.NONE) return error;
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const meta = this.txns.get(transactionalId)!;
    if (meta.state !== 'Ongoing' || !meta.groups.has(groupId)) {
      meta.groups.add(groupId);
      this.begin(meta);
      await this.persist(meta);
    }
    return ErrorCode.NONE;
  }

  /** Whether `topic/partition` may receive a transactional batch from this producer now. */
  produceCheck(
    transactionalId: string | null,
    producerId: bigint,
    producerEpoch: number,
    topic: string,
    partition: number,
  ): number {
    if (transactionalId === null) return ErrorCode.INVALID_TXN_STATE;
    const meta = this.txns.get(transactionalId);
    if (!meta || meta.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (producerEpoch < meta.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (meta.state !== 'Ongoing' || !meta.partitions.has(partitionKey(topic, partition)))
      return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  private begin(meta: TxnMeta): void {
    if (meta.state === 'Ongoing') return;
    meta.state = 'Ongoing';
    meta.startedAt = this.clock.now();
    this.scheduleTimeout(meta);
  }

  private scheduleTimeout(meta: TxnMeta): void {
    const old = this.timers.get(meta.transactionalId);
    if (old) this.clock.clearTimeout(old);
    const delay = Math.max(0, meta.startedAt + meta.timeoutMs - this.clock.now());
    this.timers.set(
      meta.transactionalId,
      this.clock.setTimeout(() => {
        this.timers.delete(meta.transactionalId);
        if (this.closed || meta.state !== 'Ongoing') return;
        this.log.warn(
          { transactionalId: meta.transactionalId, timeoutMs: meta.timeoutMs },
          'transaction timed out: aborting and fencing the producer',
        );
        // Bump the epoch so the timed-out producer cannot keep writing into an aborted transaction.
        meta.producerEpoch += 1;
        this.endTransactionNow(meta, false).catch((err: unknown) => {
          this.log.error(
            { err, transactionalId: meta.transactionalId },
            'aborting timed-out transaction failed',
          );
          this.retryCompletion(meta, false);
        });
      }, delay),
    );
  }

  // ---------------------------------------------------------------- EndTxn

  async endTxn(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    commit: boolean,
  ): Promise<number> {
    const meta = this.txns.get(transactionalId);
    if (!meta || meta.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (meta.producerEpoch !== producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    switch (meta.state) {
      case 'Ongoing':
        try {
          await this.endTransactionNow(meta, commit);
          return ErrorCode.NONE;
        } catch (err) {
          // The decision is journaled (Prepare state); markers are retried until they are written.
          this.log.error({ err, transactionalId, commit }, 'writing transaction markers failed; will retry');
          this.retryCompletion(meta, commit);
          return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
      case 'PrepareCommit':
      case 'PrepareAbort':
        return ErrorCode.CONCURRENT_TRANSACTIONS;
      case 'CompleteCommit':
        // A retried EndTxn whose first answer was lost.
        return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case 'CompleteAbort':
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      default:
        return ErrorCode.INVALID_TXN_STATE;
    }
  }

  /** Prepare (journaled) → markers on every partition → offsets → Complete (journaled). */
  private async endTransactionNow(meta: TxnMeta, commit: boolean): Promise<void> {
    const timer = this.timers.get(meta.transactionalId);
    if (timer) this.clock.clearTimeout(timer);
    this.timers.delete(meta.transactionalId);
    meta.state = commit ? 'PrepareCommit' : 'PrepareAbort';
    await this.persist(meta);
    await this.completeTransaction(meta, commit);
  }

  private retryCompletion(meta: TxnMeta, commit: boolean): void {
    this.clock.setTimeout(() => {
      if (this.closed || meta.state !== (commit ? 'PrepareCommit' : 'PrepareAbort')) return;
      this.completeTransaction(meta, commit).catch((err: unknown) => {
        this.log.error({ err, transactionalId: meta.transactionalId }, 'retrying transaction markers failed');
        this.retryCompletion(meta, commit);
      });
    }, 1000);
  }

  private async completeTransaction(meta: TxnMeta, commit: boolean): Promise<void> {
    await Promise.all(
      [...meta.partitions].map(async (key) => {
        const { topic, partition } = splitPartitionKey(key);
        if (!this.participants.partitionExists(topic, partition)) return; // deleted meanwhile
        await this.participants.writeMarker(topic, partition, meta.producerId, meta.producerEpoch, commit);
      }),
    );
    if (meta.groups.size > 0)
      await this.participants.endGroupOffsets(meta.producerId, [...meta.groups], commit);
    meta.state = commit ? 'CompleteCommit' : 'CompleteAbort';
    meta.partitions.clear();
    meta.groups.clear();
    await this.persist(meta);
    this.log.debug({ transactionalId: meta.transactionalId, commit }, 'transaction completed');
  }

  private async persist(meta: TxnMeta): Promise<void> {
    await this.journal.append([toEntry(meta)]);
    if (
      this.journal.entryCount >= COMPACT_MIN_ENTRIES &&
      this.journal.entryCount > 4 * (this.txns.size + 1)
    ) {
      await this.journal.compact([
        { t: 'next-pid', next: this.nextProducerId },
        ...[...this.txns.values()].map(toEntry),
      ]);
    }
  }
}
