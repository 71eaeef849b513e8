import type { Cancellable, PunctuationType, Punctuator } from './punctuation.js';
import type { Record, RecordMetadata } from './record.js';

/** What a processor may do besides computing: forward, reach stores, schedule, read metadata. */
export interface ProcessorContext<KForward = unknown, VForward = unknown> {
  readonly applicationId: string;
  /** `<subtopology>_<partition>`, as in Kafka Streams. */
  readonly taskId: string;
  /** Sends a record to all children, or only to the named child. */
  forward<K extends KForward, V extends VForward>(record: Record<K, V>, childName?: string): void;
  getStateStore<S>(name: string): S;
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** Topic/partition/offset of the input record being processed; null during punctuation. */
  recordMetadata(): RecordMetadata | null;
  /** The task's stream time: the largest timestamp seen so far (-1 before the first record). */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /** Asks for a commit as soon as possible (the runtime may batch it). */
  commit(): void;
  /** Counters the runtime exports (late drops, skipped records). */
  readonly metrics: import('../task/task-metrics.js').TaskMetrics;
}
