import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import type { Record } from '../../processor/record.js';
import type { KeyValueStore } from '../../state/state-store.js';
import type { ValueAndTimestamp } from '../change.js';
import type { ValueJoiner } from '../functions.js';

/**
 * KStream–KTable join (Kafka Streams' KStreamKTableJoin): each stream record looks up the table's
 * current value for its key; table updates never trigger output. Records with a null key or value
 * are skipped; an inner join also drops records the table has no value for.
 */
export class KStreamKTableJoinProcessor<K, V, VT, VR> implements Processor<K, V, K, VR> {
  private table!: KeyValueStore<K, ValueAndTimestamp<VT>>;
  private ctx!: ProcessorContext<K, VR>;

  constructor(
    private readonly storeName: string,
    private readonly joiner: ValueJoiner<V, VT, VR>,
    private readonly left: boolean,
  ) {}

  init(context: ProcessorContext<K, VR>): void {
    this.ctx = context;
    this.table = context.getStateStore(this.storeName);
  }

  process(record: Record<K, V>): void {
    if (
      record.key === null ||
      record.key === undefined ||
      record.value === null ||
      record.value === undefined
    ) {
      this.ctx.metrics.nullKeyOrValueSkips++;
      return;
    }
    const t = this.table.get(record.key);
    if (!t && !this.left) return;
    this.ctx.forward(record.withValue(this.joiner(record.value, (t ? t.value : null) as VT)));
  }
}
