import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import type { Record } from '../../processor/record.js';
import type { ForeachAction, KeyValueMapper, KeyValuePair, Predicate, ValueMapper } from '../functions.js';

/** Base for processors that only forward: keeps the context. */
abstract class Forwarding<K, V, KO, VO> implements Processor<K, V, KO, VO> {
  protected ctx!: ProcessorContext<KO, VO>;
  init(context: ProcessorContext<KO, VO>): void {
    this.ctx = context;
  }
  abstract process(record: Record<K, V>): void;
}

export class FilterProcessor<K, V> extends Forwarding<K, V, K, V> {
  constructor(
    private readonly predicate: Predicate<K, V>,
    private readonly negate: boolean,
  ) {
    super();
  }
  process(record: Record<K, V>): void {
    if (this.predicate(record.key, record.value) !== this.negate) this.ctx.forward(record);
  }
}

export class MapProcessor<K, V, KO, VO> extends Forwarding<K, V, KO, VO> {
  constructor(private readonly mapper: KeyValueMapper<K, V, KeyValuePair<KO, VO>>) {
    super();
  }
  process(record: Record<K, V>): void {
    const [k, v] = this.mapper(record.key, record.value);
    this.ctx.forward(record.withKey(k).withValue(v));
  }
}

export class MapValuesProcessor<K, V, VO> extends Forwarding<K, V, K, VO> {
  constructor(private readonly mapper: ValueMapper<V, VO, K>) {
    super();
  }
  process(record: Record<K, V>): void {
    this.ctx.forward(record.withValue(this.mapper(record.value, record.key)));
  }
}

export class SelectKeyProcessor<K, V, KO> extends Forwarding<K, V, KO, V> {
  constructor(private readonly mapper: KeyValueMapper<K, V, KO>) {
    super();
  }
  process(record: Record<K, V>): void {
    this.ctx.forward(record.withKey(this.mapper(record.key, record.value)));
  }
}

export class FlatMapProcessor<K, V, KO, VO> extends Forwarding<K, V, KO, VO> {
  constructor(private readonly mapper: KeyValueMapper<K, V, Iterable<KeyValuePair<KO, VO>>>) {
    super();
  }
  process(record: Record<K, V>): void {
    for (const [k, v] of this.mapper(record.key, record.value))
      this.ctx.forward(record.withKey(k).withValue(v));
  }
}

export class FlatMapValuesProcessor<K, V, VO> extends Forwarding<K, V, K, VO> {
  constructor(private readonly mapper: ValueMapper<V, Iterable<VO>, K>) {
    super();
  }
  process(record: Record<K, V>): void {
    for (const v of this.mapper(record.value, record.key)) this.ctx.forward(record.withValue(v));
  }
}

/** peek (forwards) and foreach (terminal: no children). */
export class PeekProcessor<K, V> extends Forwarding<K, V, K, V> {
  constructor(
    private readonly action: ForeachAction<K, V>,
    private readonly forwardAfter: boolean,
  ) {
    super();
  }
  process(record: Record<K, V>): void {
    this.action(record.key, record.value);
    if (this.forwardAfter) this.ctx.forward(record);
  }
}

/** Forwards unchanged (merge, branch children, repartition plumbing). */
export class PassThroughProcessor<K, V> extends Forwarding<K, V, K, V> {
  process(record: Record<K, V>): void {
    this.ctx.forward(record);
  }
}

/** split(): sends each record to the first branch whose predicate matches (or the default branch). */
export class BranchProcessor<K, V> extends Forwarding<K, V, K, V> {
  constructor(
    private readonly predicates: readonly Predicate<K, V>[],
    private readonly childNames: readonly string[],
    private readonly defaultChild: string | undefined,
  ) {
    super();
  }
  process(record: Record<K, V>): void {
    for (let i = 0; i < this.predicates.length; i++) {
      if (this.predicates[i](record.key, record.value)) {
        this.ctx.forward(record, this.childNames[i]);
        return;
      }
    }
    if (this.defaultChild !== undefined) this.ctx.forward(record, this.defaultChild);
  }
}
