import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import type { Record } from '../../processor/record.js';
import type { KeyValueStore } from '../../state/state-store.js';
import { type Change, change, type ValueAndTimestamp } from '../change.js';
import type { Predicate, ValueJoiner, ValueMapper } from '../functions.js';
import { TimestampedForwarder } from './forwarder.js';

type TableStore<K, V> = KeyValueStore<K, ValueAndTimestamp<V>>;

/**
 * Materializes a topic as a table (Kafka Streams' KTableSource): null key → skipped, null value →
 * delete; forwards Change(new, old) (through the cache when the store caches).
 */
export class KTableSourceProcessor<K, V> implements Processor<K, V, K, Change<V>> {
  private store!: TableStore<K, V>;
  private forwarder!: TimestampedForwarder<K, V>;
  private ctx!: ProcessorContext<K, Change<V>>;

  constructor(private readonly storeName: string) {}

  init(context: ProcessorContext<K, Change<V>>): void {
    this.ctx = context;
    this.store = context.getStateStore(this.storeName);
    this.forwarder = new TimestampedForwarder(this.store, context);
  }

  process(record: Record<K, V>): void {
    if (record.key === null || record.key === undefined) {
      this.ctx.metrics.nullKeyOrValueSkips++;
      return;
    }
    const old = this.store.get(record.key);
    const value = record.value ?? null;
    this.store.put(record.key, value === null ? null : { value, timestamp: record.timestamp });
    this.forwarder.maybeForward(record.key, value, old ? old.value : null, record.timestamp, record.headers);
  }
}

/** Stores table updates coming from upstream (a Materialized filter/mapValues, or for a join's lookup). */
export class KTableMaterializeProcessor<K, V> implements Processor<K, Change<V>, K, Change<V>> {
  private store!: TableStore<K, V>;
  private forwarder!: TimestampedForwarder<K, V>;

  constructor(private readonly storeName: string) {}

  init(context: ProcessorContext<K, Change<V>>): void {
    this.store = context.getStateStore(this.storeName);
    this.forwarder = new TimestampedForwarder(this.store, context);
  }

  process(record: Record<K, Change<V>>): void {
    const old = this.store.get(record.key);
    const value = record.value.newValue;
    this.store.put(record.key, value === null ? null : { value, timestamp: record.timestamp });
    this.forwarder.maybeForward(record.key, value, old ? old.value : null, record.timestamp, record.headers);
  }
}

/** KTable.filter / filterNot: a value that fails the predicate becomes a delete (Kafka's KTableFilter). */
export class KTableFilterProcessor<K, V> implements Processor<K, Change<V>, K, Change<V>> {
  private ctx!: ProcessorContext<K, Change<V>>;

  constructor(
    private readonly predicate: Predicate<K, V>,
    private readonly negate: boolean,
  ) {}

  init(context: ProcessorContext<K, Change<V>>): void {
    this.ctx = context;
  }

  private keep(key: K, v: V | null): V | null {
    return v !== null && this.predicate(key, v) !== this.negate ? v : null;
  }

  process(record: Record<K, Change<V>>): void {
    const n = this.keep(record.key, record.value.newValue);
    const o = this.keep(record.key, record.value.oldValue);
    if (n === null && o === null) return; // nothing visible changed downstream
    this.ctx.forward(record.withValue(change(n, o)));
  }
}

export class KTableMapValuesProcessor<K, V, VR> implements Processor<K, Change<V>, K, Change<VR>> {
  private ctx!: ProcessorContext<K, Change<VR>>;

  constructor(private readonly mapper: ValueMapper<V, VR, K>) {}

  init(context: ProcessorContext<K, Change<VR>>): void {
    this.ctx = context;
  }

  process(record: Record<K, Change<V>>): void {
    const { newValue, oldValue } = record.value;
    const n = newValue === null ? null : this.mapper(newValue, record.key);
    const o = oldValue === null ? null : this.mapper(oldValue, record.key);
    this.ctx.forward(record.withValue(change(n, o)));
  }
}

/** KTable.toStream(): the new value of each update (null = tombstone). */
export class KTableToStreamProcessor<K, V> implements Processor<K, Change<V>, K, V | null> {
  private ctx!: ProcessorContext<K, V | null>;

  init(context: ProcessorContext<K, V | null>): void {
    this.ctx = context;
  }

  process(record: Record<K, Change<V>>): void {
    this.ctx.forward(record.withValue(record.value.newValue));
  }
}

/** Which sides of a KTable–KTable join may be missing from a result. */
export type TableJoinMode = 'inner' | 'left' | 'right' | 'outer';

/**
 * One side of a KTable–KTable join (Kafka Streams' KTableKTableJoin / LeftJoin / OuterJoin, and
 * ksqlDB's right join): an update of this side is joined with the other side's current value; the
 * result's timestamp is the larger of the two. `thisIsLeft` fixes the joiner's argument order;
 * `mode` says which side may be missing (inner: neither; left: the right; right: the left; outer:
 * either, but not both).
 */
export class KTableKTableJoinProcessor<K, VL, VR, VO>
  implements Processor<K, Change<unknown>, K, Change<VO>>
{
  private other!: TableStore<K, unknown>;
  private ctx!: ProcessorContext<K, Change<VO>>;
  private readonly leftRequired: boolean;
  private readonly rightRequired: boolean;

  constructor(
    private readonly otherStoreName: string,
    private readonly joiner: ValueJoiner<VL | null, VR | null, VO>,
    private readonly thisIsLeft: boolean,
    mode: TableJoinMode,
  ) {
    this.leftRequired = mode === 'inner' || mode === 'left';
    this.rightRequired = mode === 'inner' || mode === 'right';
  }

  init(context: ProcessorContext<K, Change<VO>>): void {
    this.ctx = context;
    this.other = context.getStateStore(this.otherStoreName);
  }

  private join(mine: unknown, other: ValueAndTimestamp<unknown> | undefined): VO | null {
    const otherValue = other ? other.value : null;
    const l = (this.thisIsLeft ? mine : otherValue) as VL | null;
    const r = (this.thisIsLeft ? otherValue : mine) as VR | null;
    if (l === null && r === null) return null;
    if ((l === null && this.leftRequired) || (r === null && this.rightRequired)) return null;
    return this.joiner(l, r);
  }

  process(record: Record<K, Change<unknown>>): void {
    const other = this.other.get(record.key);
    const n = this.join(record.value.newValue, other);
    const o = this.join(record.value.oldValue, other);
    if (n === null && o === null) return;
    const ts = other ? Math.max(record.timestamp, other.timestamp) : record.timestamp;
    this.ctx.forward(record.withValue(change(n, o)).withTimestamp(ts));
  }
}
