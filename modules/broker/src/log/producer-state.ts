/**
 * Per-partition state of idempotent and transactional producers: the epoch and the last few
 * batches (for duplicate detection and sequence checks, as Kafka keeps the last 5), plus the
 * first offset of each producer's open transaction (for the last stable offset) and the list of
 * aborted transactions (for READ_COMMITTED fetches).
 */
import { ErrorCode, KafkaError } from '../protocol/errors.js';

const KEEP_BATCHES = 5;
const SEQ_MAX = 0x7fffffff;

export interface BatchMeta {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
}

export interface ProducerEntry {
  epoch: number;
  batches: BatchMeta[];
}

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: number;
  /** Offset of the ABORT marker. */
  lastOffset: number;
}

export interface ProducerSnapshot {
  producers: [string, ProducerEntry][];
  ongoing: [string, number][];
  aborted: { producerId: string; firstOffset: number; lastOffset: number }[];
}

export type SequenceCheck = { duplicateOf: BatchMeta } | null;

export class ProducerState {
  readonly producers = new Map<bigint, ProducerEntry>();
  /** producerId → first offset of its open transaction in this partition. */
  readonly ongoing = new Map<bigint, number>();
  aborted: AbortedTxn[] = [];

  /**
   * Checks a batch before it is appended. Returns the earlier batch when this one is a retry
   * of it (the caller answers with the original offsets); throws KafkaError for fencing and gaps.
   */
  check(pid: bigint, epoch: number, firstSeq: number, recordCount: number, where: string): SequenceCheck {
    if (pid < 0n) return null;
    const e = this.producers.get(pid);
    if (!e) return null; // first batch we see from this producer (or its state expired): accept
    if (epoch < e.epoch) {
      throw new KafkaError(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `${where}: producer ${pid} epoch ${epoch} < ${e.epoch}`,
      );
    }
    if (epoch > e.epoch || firstSeq < 0) return null;
    const lastSeq = (firstSeq + recordCount - 1) % (SEQ_MAX + 1);
    for (const b of e.batches) {
      if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return { duplicateOf: b };
    }
    const prev = e.batches[e.batches.length - 1];
    if (prev && firstSeq !== (prev.lastSeq + 1) % (SEQ_MAX + 1)) {
      throw new KafkaError(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `${where}: producer ${pid} sequence ${firstSeq}, expected ${(prev.lastSeq + 1) % (SEQ_MAX + 1)}`,
      );
    }
    return null;
  }

  /** Records an appended data batch. */
  onAppend(
    pid: bigint,
    epoch: number,
    firstSeq: number,
    recordCount: number,
    base: number,
    last: number,
    txn: boolean,
  ): void {
    if (pid < 0n) return;
    let e = this.producers.get(pid);
    if (!e || epoch > e.epoch) {
      e = { epoch, batches: [] };
      this.producers.set(pid, e);
    }
    if (firstSeq >= 0) {
      e.batches.push({
        firstSeq,
        lastSeq: (firstSeq + recordCount - 1) % (SEQ_MAX + 1),
        baseOffset: base,
        lastOffset: last,
      });
      if (e.batches.length > KEEP_BATCHES) e.batches.shift();
    }
    if (txn && !this.ongoing.has(pid)) this.ongoing.set(pid, base);
  }

  /** Records a COMMIT/ABORT marker at `offset`; fences older epochs. */
  onMarker(pid: bigint, epoch: number, commit: boolean, offset: number): void {
    const e = this.producers.get(pid);
    if (!e || epoch > e.epoch)
      this.producers.set(pid, { epoch, batches: e && epoch === e.epoch ? e.batches : [] });
    const first = this.ongoing.get(pid);
    if (first === undefined) return;
    this.ongoing.delete(pid);
    if (!commit) this.aborted.push({ producerId: pid, firstOffset: first, lastOffset: offset });
  }

  /** First offset of the oldest open transaction, or undefined. */
  firstUnstableOffset(): number | undefined {
    let min: number | undefined;
    for (const o of this.ongoing.values()) if (min === undefined || o < min) min = o;
    return min;
  }

  /** Aborted transactions overlapping [from, to). */
  abortedBetween(from: number, to: number): AbortedTxn[] {
    return this.aborted.filter((a) => a.lastOffset >= from && a.firstOffset < to);
  }

  /** Whether offset belongs to an aborted transaction of pid. */
  isAborted(pid: bigint, offset: number): boolean {
    for (const a of this.aborted) {
      if (a.producerId === pid && offset >= a.firstOffset && offset <= a.lastOffset) return true;
    }
    return false;
  }

  pruneBelow(logStartOffset: number): void {
    this.aborted = this.aborted.filter((a) => a.lastOffset >= logStartOffset);
  }

  snapshot(): ProducerSnapshot {
    return {
      producers: [...this.producers].map(([k, v]) => [String(k), v]),
      ongoing: [...this.ongoing].map(([k, v]) => [String(k), v]),
      aborted: this.aborted.map((a) => ({ ...a, producerId: String(a.producerId) })),
    };
  }

  restore(s: ProducerSnapshot): void {
    this.producers.clear();
    this.ongoing.clear();
    for (const [k, v] of s.producers) this.producers.set(BigInt(k), v);
    for (const [k, v] of s.ongoing) this.ongoing.set(BigInt(k), v);
    this.aborted = s.aborted.map((a) => ({ ...a, producerId: BigInt(a.producerId) }));
  }
}
