/**
 * The input buffer of one task (Kafka Streams' PartitionGroup): records fetched from each of the
 * task's input partitions wait here, and the task takes them in timestamp order *across*
 * partitions — the record with the smallest timestamp among the partitions' heads first. That is
 * what makes joins meet records as their event times say: a table row written now does not meet
 * stream records replayed with event times years ago, even when both were fetched together.
 *
 * A task with several inputs processes only while every input either has buffered records or is
 * known to be caught up (its last fetch reached the high watermark) — otherwise the next record of
 * the empty partition might be older than everything buffered. An input whose position is unknown
 * (no fetch answered for it yet) is waited for at most `maxTaskIdleMs` (Kafka's
 * max.task.idle.ms), measured from when the task first had to wait.
 */
export interface PartitionGroupOptions<M> {
  readonly timestampOf: (record: M) => number;
  readonly offsetOf: (record: M) => number;
  /** How long to wait for an input whose lag is unknown before processing without it. */
  readonly maxTaskIdleMs: number;
}

interface Queue<M> {
  /** `topic:partition`, kept so callers need not build it per record. */
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  items: M[];
  head: number;
  /** Highest offset enqueued (refetched records at or below it are ignored). */
  lastOffset: number;
  /** Undefined until a fetch answered for this partition; then whether it reached the high watermark. */
  caughtUp: boolean | undefined;
}

export class PartitionGroup<M> {
  private readonly queues: Queue<M>[] = [];
  private readonly byKey = new Map<string, Queue<M>>();
  private buffered = 0;
  /** When the group first found an input of unknown lag empty (-1: not waiting). */
  private waitingSince = -1;

  constructor(private readonly options: PartitionGroupOptions<M>) {}

  /** Declares an input partition (every input of the task, so an empty one is waited for). */
  addPartition(topic: string, partition: number): void {
    const key = `${topic}:${partition}`;
    if (this.byKey.has(key)) return;
    const q: Queue<M> = { key, topic, partition, items: [], head: 0, lastOffset: -1, caughtUp: undefined };
    this.queues.push(q);
    this.byKey.set(key, q);
  }

  /**
   * Buffers fetched records of one partition (ascending offsets); records at or below the last
   * offset already buffered are skipped. `highWatermark` (next offset to be written) says whether
   * the partition is caught up after these records.
   */
  add(topic: string, partition: number, records: readonly M[], highWatermark?: number): number {
    this.addPartition(topic, partition);
    const q = this.byKey.get(`${topic}:${partition}`)!;
    let added = 0;
    for (const r of records) {
      const offset = this.options.offsetOf(r);
      if (offset <= q.lastOffset) continue;
      q.items.push(r);
      q.lastOffset = offset;
      added++;
    }
    this.buffered += added;
    if (highWatermark !== undefined) q.caughtUp = q.lastOffset + 1 >= highWatermark;
    return added;
  }

  /** Records buffered in all partitions. */
  size(): number {
    return this.buffered;
  }

  /**
   * The partition whose head record is next (smallest timestamp; ties go to the partition declared
   * first), or undefined when nothing may be processed now.
   */
  next(
    now: number,
  ):
    | { readonly key: string; readonly topic: string; readonly partition: number; readonly record: M }
    | undefined {
    if (this.buffered === 0) return undefined;
    let best: Queue<M> | undefined;
    let bestTs = 0;
    let mustWait = false;
    const queues = this.queues;
    for (let i = 0; i < queues.length; i++) {
      const q = queues[i];
      if (q.head === q.items.length) {
        if (q.caughtUp !== true) mustWait = true;
        continue;
      }
      const ts = this.options.timestampOf(q.items[q.head]);
      if (best === undefined || ts < bestTs) {
        best = q;
        bestTs = ts;
      }
    }
    if (best === undefined) return undefined;
    if (mustWait) {
      if (this.waitingSince < 0) this.waitingSince = now;
      if (now - this.waitingSince < this.options.maxTaskIdleMs) return undefined;
    } else this.waitingSince = -1;
    const record = best.items[best.head];
    return { key: best.key, topic: best.topic, partition: best.partition, record };
  }

  /** Removes the record `next` returned. */
  pop(topic: string, partition: number): void {
    const q = this.byKey.get(`${topic}:${partition}`)!;
    q.head++;
    this.buffered--;
    if (q.head === q.items.length) {
      q.items = [];
      q.head = 0;
    } else if (q.head >= 1024 && q.head * 2 >= q.items.length) {
      q.items = q.items.slice(q.head);
      q.head = 0;
    }
  }

  /** Drops every buffered record (the task's input positions go back to what was processed). */
  clear(): void {
    for (const q of this.queues) {
      q.items = [];
      q.head = 0;
      q.lastOffset = -1;
      q.caughtUp = undefined;
    }
    this.buffered = 0;
    this.waitingSince = -1;
  }
}
