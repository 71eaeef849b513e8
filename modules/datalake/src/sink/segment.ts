import type { InvalidRecordReason } from '@meterstream/common';
import type { ArchivedMetric } from '../parquet/metric-parquet.js';
import type { RollPolicy } from './roll-policy.js';

/** A record the metric rule refused, kept with its original bytes for the dead-letter topic. */
export interface DeadLetter {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  reason: InvalidRecordReason;
  /** The record's own headers, then the error headers (common's dead-letter.ts). */
  headers: Record<string, string | Buffer>;
}

/**
 * The open, not yet archived run of records of one partition, from `firstOffset` (always the
 * partition's committed offset, or the offset right after the previous segment) onwards.
 */
export class Segment {
  readonly metrics: ArchivedMetric[] = [];
  readonly deadLetters: DeadLetter[] = [];
  recordCount = 0;
  bytes = 0;
  lastOffset = -1;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly firstOffset: number,
    /** Wall-clock time the segment was opened (only for the age roll). */
    readonly openedAt: number,
    /** Set when a marker from an earlier run pins where this segment must end. */
    readonly pinnedLastOffset: number | null,
  ) {}

  get isEmpty(): boolean {
    return this.recordCount === 0;
  }

  /** The offset the partition's consumer position must be at for the next record. */
  get nextOffset(): number {
    return this.isEmpty ? this.firstOffset : this.lastOffset + 1;
  }

  addMetric(offset: number, size: number, metric: ArchivedMetric): void {
    this.metrics.push(metric);
    this.count(offset, size);
  }

  addDeadLetter(offset: number, size: number, letter: DeadLetter): void {
    this.deadLetters.push(letter);
    this.count(offset, size);
  }

  private count(offset: number, size: number): void {
    this.recordCount++;
    this.bytes += size;
    this.lastOffset = offset;
  }

  /**
   * Whether the segment must be closed before a record at `offset` may be added: only a pinned
   * segment can say so, when the record lies past the pinned end (offsets may have gaps).
   */
  endsBefore(offset: number): boolean {
    return this.pinnedLastOffset !== null && offset > this.pinnedLastOffset && !this.isEmpty;
  }

  /** Whether the segment is complete after its last record, by the deterministic rules only. */
  isFull(policy: RollPolicy): boolean {
    if (this.pinnedLastOffset !== null) return this.lastOffset >= this.pinnedLastOffset;
    return this.recordCount >= policy.maxRecords || this.bytes >= policy.maxBytes;
  }

  /** Whether the age roll applies. A pinned segment never rolls early: it must end where pinned. */
  isAged(policy: RollPolicy, now: number): boolean {
    return !this.isEmpty && this.pinnedLastOffset === null && now - this.openedAt >= policy.maxAgeMs;
  }
}
