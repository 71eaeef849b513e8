import type { InvalidRecordReason, Logger } from '@meterstream/common';

/** What the aggregator was configured with: the words its messages explain a loss in. */
export interface LossContext {
  windowsSec: readonly number[];
  graceSec: number;
  deadLetterTopic: string;
}

/** Counters the streams runtime keeps for the tasks of this instance. */
export interface TaskCounters {
  processed: number;
  lateRecordDrops: number;
}

/** One kind of loss: its running total and what was already reported. */
interface Tally {
  total: number;
  reported: number;
}

/**
 * Makes the records the aggregator does not aggregate visible in its log: records dropped as late
 * and records sent to the dead-letter topic. Both were counted only as Prometheus metrics, so a
 * replay older than stream time lost every reading without a word. Reports at most one line per
 * kind per `intervalMs` (a replay can drop 100,000 records in a second), with the count since the
 * last line, the total, and what decides: windows, grace, stream time; then a summary on stop.
 */
export class LossReport {
  private readonly late: Tally = { total: 0, reported: 0 };
  private readonly dead: Tally = { total: 0, reported: 0 };
  private readonly deadByReason = new Map<InvalidRecordReason, number>();
  private processed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly context: LossContext,
    private readonly counters: () => TaskCounters,
    private readonly intervalMs = 10_000,
  ) {}

  /** Called for each dead-lettered record (from the runtime's dead-letter header callback). */
  deadLettered(reason: InvalidRecordReason): void {
    this.dead.total++;
    this.deadByReason.set(reason, (this.deadByReason.get(reason) ?? 0) + 1);
  }

  start(): void {
    this.timer = setInterval(() => this.report(), this.intervalMs);
    this.timer.unref();
  }

  /** Reads the runtime's counters and logs what is new since the last line. */
  report(): void {
    this.poll();
    if (this.late.total > this.late.reported) {
      this.logger.warn(
        {
          lateDropped: this.late.total - this.late.reported,
          lateDroppedTotal: this.late.total,
          windowsSec: this.context.windowsSec,
          graceSec: this.context.graceSec,
        },
        `dropped ${this.late.total - this.late.reported} late records (${this.late.total} in all): ${this.lateWhy()}`,
      );
      this.late.reported = this.late.total;
    }
    if (this.dead.total > this.dead.reported) {
      this.logger.warn(
        {
          deadLettered: this.dead.total - this.dead.reported,
          deadLetteredTotal: this.dead.total,
          byReason: Object.fromEntries(this.deadByReason),
          topic: this.context.deadLetterTopic,
        },
        `sent ${this.dead.total - this.dead.reported} invalid records to ${this.context.deadLetterTopic} (${this.dead.total} in all; ${this.reasons()})`,
      );
      this.dead.reported = this.dead.total;
    }
  }

  /** Stops the periodic lines and logs the summary: warn when anything was lost, info otherwise. */
  stop(): void {
    clearInterval(this.timer);
    this.report();
    const lost = this.late.total + this.dead.total > 0;
    const parts = [`read ${this.processed} records`];
    parts.push(
      this.late.total > 0
        ? `dropped ${this.late.total} as late (windows ${this.windows()}, grace ${this.context.graceSec} s)`
        : 'dropped none as late',
    );
    parts.push(
      this.dead.total > 0
        ? `sent ${this.dead.total} to ${this.context.deadLetterTopic} (${this.reasons()})`
        : `sent none to ${this.context.deadLetterTopic}`,
    );
    const fields = {
      processed: this.processed,
      lateDroppedTotal: this.late.total,
      deadLetteredTotal: this.dead.total,
    };
    if (lost) this.logger.warn(fields, `summary: ${parts.join('; ')}`);
    else this.logger.info(fields, `summary: ${parts.join('; ')}`);
  }

  private poll(): void {
    // The runtime's counters are per task and restart with a task that moves here after a
    // rebalance; a total that shrinks is such a restart, not records un-dropped.
    const counters = this.counters();
    this.processed = Math.max(this.processed, counters.processed);
    this.late.total = Math.max(this.late.total, counters.lateRecordDrops);
  }

  private lateWhy(): string {
    return (
      `every window they belong to had closed (window end + grace ${this.context.graceSec} s ≤ stream time, ` +
      `the largest event time seen on their partition; windows ${this.windows()}). ` +
      'Replay older data before newer data, or raise --grace'
    );
  }

  private windows(): string {
    return this.context.windowsSec.map((w) => `${w} s`).join(', ');
  }

  private reasons(): string {
    return [...this.deadByReason].map(([reason, count]) => `${reason}: ${count}`).join(', ');
  }
}
