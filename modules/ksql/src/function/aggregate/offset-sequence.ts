/**
 * The arrival order LATEST_BY_OFFSET / EARLIEST_BY_OFFSET compare (ksqlDB keeps a process-wide
 * sequence for this, not the Kafka offset: offsets of different partitions do not compare).
 *
 * ksqlDB's counter restarts at 0 with the process, so after a restart a stored value can look
 * "later" than new ones when sessions merge. Starting from the wall clock in microseconds keeps
 * the sequence increasing across restarts (unless more than a thousand values per millisecond are
 * sustained for longer than the downtime) and stays exact in a double until the year 2255.
 */
let next = Date.now() * 1000;

export function nextSequence(): number {
  return next++;
}

/** One remembered value and when it arrived. */
export interface Sequenced {
  readonly seq: number;
  readonly val: unknown;
}

export function sequenced(val: unknown): Sequenced {
  return { seq: nextSequence(), val };
}

export const bySequence = (a: Sequenced, b: Sequenced): number => a.seq - b.seq;
