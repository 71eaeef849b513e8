import type { ProcessorContext } from '../../processor/context.js';
import { type Headers, NO_HEADERS, Record } from '../../processor/record.js';
import type { FlushListenable, FlushedChange } from '../../state/supplier.js';
import { type Change, change, type ValueAndTimestamp } from '../change.js';

/**
 * Forwards table updates the way Kafka Streams' TimestampedTupleForwarder does: when the store has
 * a cache, updates go downstream only when the cache flushes (one per key per commit, with the
 * timestamp stored beside the value); without a cache, each put is forwarded at once.
 */
export class TimestampedForwarder<K, V> {
  readonly cached: boolean;

  constructor(
    store: unknown,
    private readonly ctx: ProcessorContext<K, Change<V>>,
  ) {
    const listenable = store as Partial<FlushListenable<K, ValueAndTimestamp<V>>>;
    this.cached =
      typeof listenable.setFlushListener === 'function' &&
      listenable.setFlushListener((c) => this.onFlush(c), true);
  }

  /** Call after each store put; forwards only when the store is not cached. */
  maybeForward(key: K, newValue: V | null, oldValue: V | null, timestamp: number, headers: Headers): void {
    if (this.cached) return;
    this.ctx.forward(new Record(key, change(newValue, oldValue), timestamp, headers));
  }

  private onFlush(c: FlushedChange<K, ValueAndTimestamp<V>>): void {
    const newValue = c.newValue ?? null;
    const oldValue = c.oldValue ?? null;
    if (newValue === null && oldValue === null) return;
    const ts = newValue ? newValue.timestamp : c.context.timestamp;
    const headers = (c.context as { headers?: Headers }).headers ?? NO_HEADERS;
    this.ctx.forward(
      new Record(
        c.key,
        change(newValue ? newValue.value : null, oldValue ? oldValue.value : null),
        ts,
        headers,
      ),
    );
  }
}
