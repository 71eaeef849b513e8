import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import type { Record } from '../../processor/record.js';
import type { KeyValueStore } from '../../state/state-store.js';
import type { Change, ValueAndTimestamp } from '../change.js';
import { TimestampedForwarder } from './forwarder.js';

/**
 * Folds the values of a key into its aggregate (count, reduce and aggregate all run here; Kafka
 * Streams' KStreamAggregate/KStreamReduce). `fold(key, value, previous | undefined)` returns the new
 * aggregate; the output timestamp is the largest input timestamp of the key.
 */
export class StreamAggregateProcessor<K, V, VA> implements Processor<K, V, K, Change<VA>> {
  private store!: KeyValueStore<K, ValueAndTimestamp<VA>>;
  private forwarder!: TimestampedForwarder<K, VA>;
  private ctx!: ProcessorContext<K, Change<VA>>;

  constructor(
    private readonly storeName: string,
    private readonly fold: (key: K, value: V, previous: VA | undefined) => VA,
  ) {}

  init(context: ProcessorContext<K, Change<VA>>): void {
    this.ctx = context;
    this.store = context.getStateStore(this.storeName);
    this.forwarder = new TimestampedForwarder(this.store, context);
  }

  process(record: Record<K, V>): void {
    const { key, value } = record;
    if (key === null || key === undefined || value === null || value === undefined) {
      this.ctx.metrics.nullKeyOrValueSkips++;
      return;
    }
    const old = this.store.get(key);
    const agg = this.fold(key, value, old ? old.value : undefined);
    const ts = old && old.timestamp > record.timestamp ? old.timestamp : record.timestamp;
    this.store.put(key, { value: agg, timestamp: ts });
    this.forwarder.maybeForward(key, agg, old ? old.value : null, ts, record.headers);
  }
}
