import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import type { Record } from '../../processor/record.js';
import type { Windowed, WindowStore } from '../../state/window.js';
import type { Change, ValueAndTimestamp } from '../change.js';
import type { SlidingWindows } from '../windows.js';
import { TimestampedForwarder } from './forwarder.js';

/**
 * Sliding-window aggregation (Kafka Streams' SlidingWindows semantics). Windows have size d with both
 * ends inclusive and exist only where records define them: for each record time s, the left window
 * [s − d, s], and the right window [s + 1, s + 1 + d] when some record lies in it. A new record at t
 * updates every such window that contains t (and creates its own right window if later records
 * exist); each updated window is emitted in ascending start order.
 *
 * Implementation: the raw values of each key are kept in a window store (one entry per timestamp)
 * and each affected window is re-aggregated from them — simpler than Kafka's incremental algorithm,
 * with the same results; cost per record grows with the records inside 2·d.
 */
export class SlidingWindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  private store!: WindowStore<K, ValueAndTimestamp<VA>>;
  private raw!: WindowStore<K, V[]>;
  private forwarder!: TimestampedForwarder<Windowed<K>, VA>;
  private ctx!: ProcessorContext<Windowed<K>, Change<VA>>;
  private observedStreamTime = -1;

  constructor(
    private readonly storeName: string,
    private readonly rawStoreName: string,
    private readonly windows: SlidingWindows,
    private readonly initializer: () => VA,
    private readonly aggregator: (key: K, value: V, aggregate: VA) => VA,
  ) {}

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.ctx = context;
    this.store = context.getStateStore(this.storeName);
    this.raw = context.getStateStore(this.rawStoreName);
    this.forwarder = new TimestampedForwarder(this.store, context);
  }

  process(record: Record<K, V>): void {
    const { key, value, timestamp: t } = record;
    if (key === null || key === undefined || value === null || value === undefined) {
      this.ctx.metrics.nullKeyOrValueSkips++;
      return;
    }
    const d = this.windows.timeDifferenceMs;
    if (t > this.observedStreamTime) this.observedStreamTime = t;
    const closeTime = this.observedStreamTime - this.windows.graceMs;
    // The latest window containing t ends at t + d (inclusive): late when t + d < close time,
    // written `t + 1 + d ≤ closeTime` as in Kafka Streams.
    if (t + 1 + d <= closeTime) {
      this.ctx.metrics.lateRecordDrops++;
      return;
    }
    const existing = this.raw.fetchWindow(key, t);
    this.raw.put(key, existing ? [...existing, value] : [value], t);

    const lo = Math.max(0, t - 2 * d - 1);
    const entries = this.raw.fetch(key, lo, t + 2 * d + 1).toArray();
    const times = entries.map((e) => e.key);
    const hasRecordIn = (from: number, to: number) => times.some((s) => s >= from && s <= to);
    const starts = new Set<number>();
    for (const s of times) {
      if (s - d <= t && t <= s) starts.add(s - d); // left window of s contains t
      if (s + 1 <= t && t <= s + 1 + d && hasRecordIn(s + 1, s + 1 + d)) starts.add(s + 1); // right window of s
    }
    if (!existing && hasRecordIn(t + 1, t + 1 + d)) starts.add(t + 1); // t's own right window is new
    for (const start of [...starts].sort((a, b) => a - b)) {
      const end = start + d;
      // Ends are inclusive: the window still accepts records while end ≥ stream time − grace.
      if (end < closeTime) continue;
      let agg = this.initializer();
      let maxTs = -1;
      for (const e of entries) {
        if (e.key < start || e.key > end) continue;
        for (const v of e.value) agg = this.aggregator(key, v, agg);
        if (e.key > maxTs) maxTs = e.key;
      }
      const old = this.store.fetchWindow(key, start);
      this.store.put(key, { value: agg, timestamp: maxTs }, start);
      this.forwarder.maybeForward(
        { key, window: { start, end } },
        agg,
        old ? old.value : null,
        maxTs,
        record.headers,
      );
    }
  }
}
