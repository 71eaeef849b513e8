/**
 * Plain counters per task. The runtime exports them to Prometheus; the test driver exposes them
 * to tests. Plain numbers keep the hot path to one increment.
 */
export class TaskMetrics {
  /** Input records handed to the task. */
  processed = 0;
  /** Records dropped because every window they belong to had closed (window end + grace ≤ stream time). */
  lateRecordDrops = 0;
  /** Records skipped by the invalid-timestamp policy `log-and-skip`. */
  invalidTimestampSkips = 0;
  /** Records skipped for a null key or value where the operation needs one (as Kafka Streams does). */
  nullKeyOrValueSkips = 0;
  /** Records a suppression buffer emitted. */
  suppressionEmits = 0;

  add(other: TaskMetrics): void {
    this.processed += other.processed;
    this.lateRecordDrops += other.lateRecordDrops;
    this.invalidTimestampSkips += other.invalidTimestampSkips;
    this.nullKeyOrValueSkips += other.nullKeyOrValueSkips;
    this.suppressionEmits += other.suppressionEmits;
  }
}
