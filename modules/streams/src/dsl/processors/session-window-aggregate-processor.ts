import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import { type Headers, NO_HEADERS, Record } from '../../processor/record.js';
import type { FlushListenable } from '../../state/supplier.js';
import type { SessionStore, Windowed } from '../../state/window.js';
import { type Change, change } from '../change.js';
import type { SessionWindows } from '../windows.js';

/**
 * Session aggregation (Kafka Streams' KStreamSessionWindowAggregate). A record at t opens session
 * [t, t]; every existing session of the key that ends ≥ t − gap and starts ≤ t + gap is merged into
 * it (aggregates combined with the merger). Merged-away sessions are removed and a tombstone
 * (Change(null, old)) is emitted for each; the merged session is emitted as Change(new, null).
 * Output timestamps are the session end. A merged session ending before stream time − gap − grace
 * is late: the record is dropped and counted.
 */
export class SessionWindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  private store!: SessionStore<K, VA>;
  private ctx!: ProcessorContext<Windowed<K>, Change<VA>>;
  private cached = false;
  private observedStreamTime = -1;

  constructor(
    private readonly storeName: string,
    private readonly windows: SessionWindows,
    private readonly initializer: () => VA,
    private readonly aggregator: (key: K, value: V, aggregate: VA) => VA,
    private readonly merger: (key: K, a: VA, b: VA) => VA,
  ) {}

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.ctx = context;
    this.store = context.getStateStore(this.storeName);
    const listenable = this.store as Partial<FlushListenable<Windowed<K>, VA>>;
    this.cached =
      typeof listenable.setFlushListener === 'function' &&
      listenable.setFlushListener((c) => {
        const headers = (c.context as { headers?: Headers }).headers ?? NO_HEADERS;
        this.ctx.forward(
          new Record(c.key, change(c.newValue ?? null, c.oldValue ?? null), c.key.window.end, headers),
        );
      }, true);
  }

  process(record: Record<K, V>): void {
    const { key, value, timestamp: ts } = record;
    if (key === null || key === undefined || value === null || value === undefined) {
      this.ctx.metrics.nullKeyOrValueSkips++;
      return;
    }
    if (ts > this.observedStreamTime) this.observedStreamTime = ts;
    // A session ending at t can still take records up to t + gap, so it closes only when stream time
    // passes end + gap + grace (Kafka Streams' KStreamSessionWindowAggregate).
    const closeTime = this.observedStreamTime - this.windows.graceMs - this.windows.inactivityGapMs;
    const gap = this.windows.inactivityGapMs;
    let agg = this.initializer();
    let start = ts;
    let end = ts;
    const merged: { key: Windowed<K>; value: VA }[] = [];
    const it = this.store.findSessions(key, ts - gap, ts + gap);
    try {
      for (const s of it) {
        merged.push(s);
        agg = this.merger(key, agg, s.value);
        if (s.key.window.start < start) start = s.key.window.start;
        if (s.key.window.end > end) end = s.key.window.end;
      }
    } finally {
      it.close();
    }
    if (end < closeTime) {
      this.ctx.metrics.lateRecordDrops++;
      return;
    }
    // As Kafka Streams: unless the record opened a new session on its own, every session it merged
    // (even one whose bounds do not change) is removed and tombstoned before the merged one is put.
    if (start !== ts || end !== ts) {
      for (const s of merged) {
        this.store.remove(s.key);
        if (!this.cached)
          this.ctx.forward(new Record(s.key, change<VA>(null, s.value), s.key.window.end, record.headers));
      }
    }
    agg = this.aggregator(key, value, agg);
    const sessionKey: Windowed<K> = { key, window: { start, end } };
    this.store.put(sessionKey, agg);
    if (!this.cached) this.ctx.forward(new Record(sessionKey, change<VA>(agg, null), end, record.headers));
  }
}
