import type { Logger } from '@meterstream/common';

/** Why a dataset line produced no reading. */
export const SKIP_REASONS = [
  /** A row whose readings are `?` (the UCI file's way of saying "no measurement"). */
  'missing-values',
  /** Wrong number of fields, a field that is not a number, an invalid date. */
  'unparsable',
  /** The last line has no newline and does not parse: the file was cut in the middle of a record. */
  'truncated-last-line',
  /** A local time that does not exist in the zone (the hour skipped when clocks go forward). */
  'nonexistent-local-time',
  /** A blank line. */
  'empty-line',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** A skipped line, kept for the first few of each reason so the summary can point at examples. */
export interface SkippedLine {
  reason: SkipReason;
  /** `file:line`. */
  location: string;
  detail: string;
}

const EXAMPLES_PER_REASON = 3;

/**
 * Counts skipped lines per reason. Every skip is logged at debug with its file:line; the summary
 * keeps counts plus the first few locations of each reason.
 */
export class SkipReport {
  readonly counts: Record<SkipReason, number> = {
    'missing-values': 0,
    unparsable: 0,
    'truncated-last-line': 0,
    'nonexistent-local-time': 0,
    'empty-line': 0,
  };
  readonly examples: SkippedLine[] = [];

  constructor(
    readonly file: string,
    private readonly logger?: Logger,
  ) {}

  skip(reason: SkipReason, line: number, detail: string): void {
    this.counts[reason] += 1;
    const location = `${this.file}:${line}`;
    if (this.counts[reason] <= EXAMPLES_PER_REASON) this.examples.push({ reason, location, detail });
    this.logger?.debug({ reason, location, detail }, 'skipped dataset line');
  }

  get total(): number {
    let sum = 0;
    for (const reason of SKIP_REASONS) sum += this.counts[reason];
    return sum;
  }

  /** Only the reasons that occurred, e.g. `{ 'missing-values': 2, 'truncated-last-line': 1 }`. */
  nonZero(): Partial<Record<SkipReason, number>> {
    const out: Partial<Record<SkipReason, number>> = {};
    for (const reason of SKIP_REASONS) if (this.counts[reason] > 0) out[reason] = this.counts[reason];
    return out;
  }
}
