import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import type { Record } from '../../processor/record.js';
import type { KeyValueStore } from '../../state/state-store.js';
import { type Change, change, type ValueAndTimestamp } from '../change.js';
import type { KeyValueMapper, KeyValuePair } from '../functions.js';
import { TimestampedForwarder } from './forwarder.js';

/**
 * KTable.groupBy's re-keying (Kafka Streams' KTableRepartitionMap): maps the old and the new value
 * of an update to their (key, value) pairs. When both land on the same key one Change(new, old) is
 * sent; otherwise the old pair is sent first as Change(null, old) — to be subtracted from its group
 * — then the new one as Change(new, null). A pair the selector maps to null (or to a null key or
 * value) is not sent.
 */
export class KTableRepartitionMapProcessor<K, V, K2, V2> implements Processor<K, Change<V>, K2, Change<V2>> {
  private ctx!: ProcessorContext<K2, Change<V2>>;

  constructor(
    private readonly selector: KeyValueMapper<K, V, KeyValuePair<K2, V2> | null>,
    private readonly sameKey: (a: K2, b: K2) => boolean,
  ) {}

  init(context: ProcessorContext<K2, Change<V2>>): void {
    this.ctx = context;
  }

  private pair(key: K, value: V | null): KeyValuePair<K2, V2> | null {
    if (value === null) return null;
    const p = this.selector(key, value);
    return p === null || p[0] === null || p[0] === undefined || p[1] === null || p[1] === undefined
      ? null
      : p;
  }

  process(record: Record<K, Change<V>>): void {
    const n = this.pair(record.key, record.value.newValue);
    const o = this.pair(record.key, record.value.oldValue);
    if (n && o && this.sameKey(n[0], o[0])) {
      this.ctx.forward(record.withKey(n[0]).withValue(change(n[1], o[1])));
      return;
    }
    if (o) this.ctx.forward(record.withKey(o[0]).withValue(change<V2>(null, o[1])));
    if (n) this.ctx.forward(record.withKey(n[0]).withValue(change<V2>(n[1], null)));
  }
}

/**
 * Aggregates a re-keyed table (Kafka Streams' KTableAggregate): the old value of an update is
 * subtracted from its group's aggregate, then the new one added (starting from the initializer when
 * the group has none). Forwards Change(new aggregate, old aggregate); the timestamp is the larger of
 * the record's and the stored aggregate's.
 */
export class KTableAggregateProcessor<K, V, VA> implements Processor<K, Change<V>, K, Change<VA>> {
  private store!: KeyValueStore<K, ValueAndTimestamp<VA>>;
  private forwarder!: TimestampedForwarder<K, VA>;

  constructor(
    private readonly storeName: string,
    private readonly initializer: () => VA,
    private readonly adder: (key: K, value: V, aggregate: VA) => VA,
    private readonly subtractor: (key: K, value: V, aggregate: VA) => VA,
  ) {}

  init(context: ProcessorContext<K, Change<VA>>): void {
    this.store = context.getStateStore(this.storeName);
    this.forwarder = new TimestampedForwarder(this.store, context);
  }

  process(record: Record<K, Change<V>>): void {
    const { key } = record;
    if (key === null || key === undefined) return;
    const old = this.store.get(key);
    const oldAgg = old ? old.value : null;
    let agg: VA | null = oldAgg;
    let ts = record.timestamp;
    if (old && old.timestamp > ts) ts = old.timestamp;
    if (record.value.oldValue !== null && agg !== null)
      agg = this.subtractor(key, record.value.oldValue, agg);
    if (record.value.newValue !== null)
      agg = this.adder(key, record.value.newValue, agg ?? this.initializer());
    this.store.put(key, agg === null ? null : { value: agg, timestamp: ts });
    this.forwarder.maybeForward(key, agg, oldAgg, ts, record.headers);
  }
}
