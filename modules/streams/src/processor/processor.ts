import type { ProcessorContext } from './context.js';
import type { Record } from './record.js';

/**
 * A node of the topology (Kafka Streams' `api.Processor`). `init` runs once per task before any
 * record, `close` when the task closes. Every DSL operation is a Processor.
 */
export interface Processor<KIn, VIn, KOut = KIn, VOut = VIn> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: Record<KIn, VIn>): void;
  close?(): void;
  /**
   * Called on commit before the task flushes its stores. Processors that buffer updates (the
   * windowed aggregation's write-behind de-duplication) write them to their stores and forward
   * them here. Not in Kafka Streams' API; optional.
   */
  flush?(): void;
}

/** Creates one fresh Processor per task: processors hold per-partition state. */
export type ProcessorSupplier<KIn, VIn, KOut = KIn, VOut = VIn> = () => Processor<KIn, VIn, KOut, VOut>;
