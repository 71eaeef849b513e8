import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import { Record } from '../../processor/record.js';
import type { WindowStore } from '../../state/window.js';

/**
 * One side of a KStream–KStream windowed inner join (Kafka Streams' KStreamKStreamJoin): stores the
 * record in this side's window store (all values with the same key and timestamp are kept, in
 * arrival order), then joins it with every record of the other side whose timestamp lies in
 * [ts − before, ts + after]; each result carries max(ts, other ts). Records older than the join
 * window plus grace behind stream time are dropped as late.
 */
export class StreamStreamJoinProcessor<K, V, VO, VR> implements Processor<K, V, K, VR> {
  private mine!: WindowStore<K, V[]>;
  private other!: WindowStore<K, VO[]>;
  private ctx!: ProcessorContext<K, VR>;
  private observedStreamTime = -1;

  constructor(
    private readonly thisStoreName: string,
    private readonly otherStoreName: string,
    private readonly beforeMs: number,
    private readonly afterMs: number,
    private readonly graceMs: number,
    private readonly joiner: (value: V, other: VO) => VR,
  ) {}

  init(context: ProcessorContext<K, VR>): void {
    this.ctx = context;
    this.mine = context.getStateStore(this.thisStoreName);
    this.other = context.getStateStore(this.otherStoreName);
  }

  process(record: Record<K, V>): void {
    const { key, value, timestamp: ts } = record;
    if (key === null || key === undefined || value === null || value === undefined) {
      this.ctx.metrics.nullKeyOrValueSkips++;
      return;
    }
    if (ts > this.observedStreamTime) this.observedStreamTime = ts;
    if (ts + Math.max(this.beforeMs, this.afterMs) + this.graceMs < this.observedStreamTime) {
      this.ctx.metrics.lateRecordDrops++;
      return;
    }
    const existing = this.mine.fetchWindow(key, ts);
    this.mine.put(key, existing ? [...existing, value] : [value], ts);
    const it = this.other.fetch(key, Math.max(0, ts - this.beforeMs), ts + this.afterMs);
    try {
      for (const { key: otherTs, value: others } of it) {
        const outTs = Math.max(ts, otherTs);
        for (const o of others)
          this.ctx.forward(new Record(key, this.joiner(value, o), outTs, record.headers));
      }
    } finally {
      it.close();
    }
  }
}
