import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import { Record } from '../../processor/record.js';
import type { Serde } from '../../serde/serde.js';
import { readInt64BE, writeInt64BE } from '../../state/bytes.js';
import type { KeyValueStore } from '../../state/state-store.js';
import type { WindowStore } from '../../state/window.js';

/**
 * The time both sides of one KStream–KStream join share within a task (Kafka Streams'
 * TimeTracker): the join's stream time is the largest timestamp seen on *either* side, so a
 * left record's window can close because of right records, and `minTime` is the smallest
 * timestamp that may still sit in the outer-join store (a cheap "nothing can be due" check).
 */
export class JoinTimeTracker {
  streamTime = -1;
  /** 0 until the first scan: records restored into the outer-join store must be found. */
  minTime = 0;
  /** Largest timestamp put into each side's window store (left, right): its retention runs from there. */
  readonly sideTime = [-1, -1];
}

/**
 * One tracker per task, shared by the join's two processors (Kafka's TimeTrackerSupplier). It is
 * keyed by the task's instance of the left window store, which both processors of one task share
 * and no other task (nor another runtime instance in the same process) does.
 */
export class JoinTimeTrackers {
  private readonly byStore = new WeakMap<object, JoinTimeTracker>();

  acquire(leftStore: object): JoinTimeTracker {
    let tracker = this.byStore.get(leftStore);
    if (!tracker) {
      tracker = new JoinTimeTracker();
      this.byStore.set(leftStore, tracker);
    }
    return tracker;
  }
}

/**
 * Key of the outer-join store: [timestamp 8 bytes BE][side 1 byte: 0 left, 1 right][key bytes].
 * Byte order is timestamp order (timestamps are ≥ 0), so the store iterates oldest first, left
 * before right at one timestamp — the order Kafka Streams' TimestampedKeyAndJoinSide sorts in.
 */
export function outerKey(keyBytes: Buffer, timestamp: number, leftSide: boolean): Buffer {
  const out = Buffer.allocUnsafe(9 + keyBytes.length);
  writeInt64BE(out, timestamp, 0);
  out[8] = leftSide ? 0 : 1;
  keyBytes.copy(out, 9);
  return out;
}

/** The outer-join store: unmatched records waiting for their window to close (values as a list). */
export type OuterJoinStore = KeyValueStore<Buffer, Buffer[]>;

export interface StreamJoinSideConfig<K, V, VO, VR> {
  readonly thisStoreName: string;
  readonly otherStoreName: string;
  /** Whether this processor handles the join's left stream (fixes the joiner's argument order). */
  readonly leftSide: boolean;
  /** The join window as Kafka defines it for the *left* stream (JoinWindows before/after). */
  readonly windowBeforeMs: number;
  readonly windowAfterMs: number;
  readonly graceMs: number;
  /** This side's unmatched records produce results (left side of a left join, both of an outer join). */
  readonly outer: boolean;
  /** Set when either side is outer: where unmatched records wait for their window to close. */
  readonly outerStoreName?: string;
  readonly trackers: JoinTimeTrackers;
  readonly keySerde: Serde<K>;
  readonly thisValueSerde: Serde<V>;
  readonly otherValueSerde: Serde<VO>;
  /** Always called as (left value, right value); the missing side of an outer result is null. */
  readonly joiner: (left: unknown, right: unknown) => VR;
}

/**
 * One side of a KStream–KStream windowed join (Kafka Streams 3.x KStreamKStreamJoin with the
 * spurious-result fix, KIP-633/KAFKA-10847):
 *
 * - the record is stored in this side's window store and joined with every record of the other
 *   side whose timestamp lies in [ts − before, ts + after] (before/after mirrored on the right
 *   side); each result carries max(ts, other ts);
 * - an unmatched record of an outer side is *not* emitted at once: it waits in the outer-join
 *   store and is emitted null-joined only once its window has closed — stream time (shared by
 *   both sides) past ts + after + grace for a left record, ts + before + grace for a right one —
 *   unless a matching record arrived meanwhile (which removes it from the store);
 * - a record already behind the window when it arrives (ts + after < stream time) is emitted
 *   null-joined at once, as Kafka does, since no later record can match it anymore;
 * - a side's window store keeps records for before + after + grace behind the largest timestamp
 *   put into it (Kafka's retention); older records are not found there any more. A record that
 *   old itself is still joined with what the other store has, but not stored (a late drop).
 *
 * Kafka throttles the outer-store scan to once per second of wall-clock time; here every record
 * at the current stream time scans (the scan stops at the first open window), which makes the
 * output deterministic under the test driver.
 */
export class StreamStreamJoinProcessor<K, V, VO, VR> implements Processor<K, V, K, VR> {
  private mine!: WindowStore<K, V[]>;
  private other!: WindowStore<K, VO[]>;
  private outerStore: OuterJoinStore | undefined;
  private ctx!: ProcessorContext<K, VR>;
  private time!: JoinTimeTracker;
  private readonly joinBeforeMs: number;
  private readonly joinAfterMs: number;
  /** Kafka's window store retention of a join side: before + after + grace. */
  private readonly retentionMs: number;

  constructor(private readonly cfg: StreamJoinSideConfig<K, V, VO, VR>) {
    this.retentionMs = cfg.windowBeforeMs + cfg.windowAfterMs + cfg.graceMs;
    this.joinBeforeMs = cfg.leftSide ? cfg.windowBeforeMs : cfg.windowAfterMs;
    this.joinAfterMs = cfg.leftSide ? cfg.windowAfterMs : cfg.windowBeforeMs;
  }

  init(context: ProcessorContext<K, VR>): void {
    this.ctx = context;
    this.mine = context.getStateStore(this.cfg.thisStoreName);
    this.other = context.getStateStore(this.cfg.otherStoreName);
    if (this.cfg.outerStoreName) this.outerStore = context.getStateStore(this.cfg.outerStoreName);
    this.time = this.cfg.trackers.acquire(this.cfg.leftSide ? this.mine : this.other);
  }

  process(record: Record<K, V>): void {
    const { key, value, timestamp: ts } = record;
    if (key === null || key === undefined || value === null || value === undefined) {
      this.ctx.metrics.nullKeyOrValueSkips++;
      return;
    }
    const time = this.time;
    if (ts > time.streamTime) time.streamTime = ts;
    const cfg = this.cfg;
    const mine = cfg.leftSide ? 0 : 1;
    if (ts > time.sideTime[mine]) time.sideTime[mine] = ts;
    if (ts > time.sideTime[mine] - this.retentionMs) {
      const existing = this.mine.fetchWindow(key, ts);
      this.mine.put(key, existing ? [...existing, value] : [value], ts);
    } else this.ctx.metrics.lateRecordDrops++;

    if (this.outerStore && ts === time.streamTime) this.emitClosedOuterRecords(record);

    const timeTo = ts + this.joinAfterMs;
    // The other store's retention hides what it holds from before its own time − retention.
    const otherRetained = time.sideTime[1 - mine] - this.retentionMs + 1;
    const timeFrom = Math.max(0, ts - this.joinBeforeMs, otherRetained);
    let matched = false;
    let keyBytes: Buffer | undefined;
    if (timeFrom <= timeTo) {
      const it = this.other.fetch(key, timeFrom, timeTo);
      try {
        for (const { key: otherTs, value: others } of it) {
          matched = true;
          if (this.outerStore) {
            // The other side's records at otherTs are matched now: they must never be emitted null-joined.
            keyBytes ??= cfg.keySerde.serialize(key);
            this.outerStore.delete(outerKey(keyBytes, otherTs, !cfg.leftSide));
          }
          const outTs = Math.max(ts, otherTs);
          for (const o of others)
            this.ctx.forward(new Record(key, this.result(value, o), outTs, record.headers));
        }
      } finally {
        it.close();
      }
    }
    if (matched || !cfg.outer) return;
    if (!this.outerStore || timeTo < time.streamTime) {
      // Out of order behind its own window: nothing can match it later.
      this.ctx.forward(record.withValue(this.result(value, null)));
      return;
    }
    if (ts < time.minTime) time.minTime = ts;
    keyBytes ??= cfg.keySerde.serialize(key);
    const k = outerKey(keyBytes, ts, cfg.leftSide);
    const waiting = this.outerStore.get(k);
    const bytes = cfg.thisValueSerde.serialize(value);
    this.outerStore.put(k, waiting ? [...waiting, bytes] : [bytes]);
  }

  private result(mine: V, other: VO | null): VR {
    return this.cfg.leftSide ? this.cfg.joiner(mine, other) : this.cfg.joiner(other, mine);
  }

  /** Emits, oldest first, the waiting records whose window has closed (Kafka's emitNonJoinedOuterRecords). */
  private emitClosedOuterRecords(record: Record<K, V>): void {
    const { cfg, time } = this;
    const store = this.outerStore!;
    if (time.minTime + Math.min(cfg.windowAfterMs, cfg.windowBeforeMs) + cfg.graceMs >= time.streamTime)
      return;
    // Rebuilt below as the smallest timestamp left in the store (iteration is in timestamp order).
    time.minTime = Number.MAX_SAFE_INTEGER;
    const due: Buffer[] = [];
    const it = store.all();
    // Once a left (right) record's window is open, so are those of every later left (right) record.
    let leftOpen = false;
    let rightOpen = false;
    try {
      for (const { key: k, value: values } of it) {
        if (leftOpen && rightOpen) break;
        const ts = readInt64BE(k, 0);
        const left = k[8] === 0;
        // A left record waits for right records up to ts + after; a right one, for left ones up to ts + before.
        const lookBack = left ? cfg.windowAfterMs : cfg.windowBeforeMs;
        if (ts + lookBack + cfg.graceMs >= time.streamTime) {
          if (left) leftOpen = true;
          else rightOpen = true;
          if (ts < time.minTime) time.minTime = ts;
          continue;
        }
        const key = cfg.keySerde.deserialize(k.subarray(9));
        for (const bytes of values) {
          const out = left
            ? cfg.joiner(this.deserialize(bytes, true), null)
            : cfg.joiner(null, this.deserialize(bytes, false));
          this.ctx.forward(new Record(key, out, ts, record.headers));
        }
        due.push(k);
      }
    } finally {
      it.close();
    }
    for (const k of due) store.delete(k);
  }

  private deserialize(bytes: Buffer, left: boolean): unknown {
    const mineIsThat = left === this.cfg.leftSide;
    return mineIsThat
      ? this.cfg.thisValueSerde.deserialize(bytes)
      : this.cfg.otherValueSerde.deserialize(bytes);
  }
}
