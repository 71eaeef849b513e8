import type { Window } from '../state/window.js';

/** Thrown for window definitions Kafka Streams rejects too (zero size, advance > size, ...). */
export class WindowDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WindowDefinitionError';
  }
}

function checkDuration(what: string, ms: number, min = 0): void {
  if (!Number.isSafeInteger(ms) || ms < min)
    throw new WindowDefinitionError(`${what} must be an integer ≥ ${min} ms, got ${ms}`);
}

/**
 * Fixed-size windows [start, start + size) every `advance` ms (Kafka Streams' TimeWindows).
 * advance = size → tumbling; advance < size → hopping. A record is dropped as late when window end
 * + grace ≤ stream time for every window it belongs to.
 */
export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    checkDuration('window size', sizeMs, 1);
    checkDuration('grace', graceMs);
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  /** Hopping windows: a new window starts every `advanceMs` (0 < advance ≤ size). */
  advanceBy(advanceMs: number): TimeWindows {
    checkDuration('advance', advanceMs, 1);
    if (advanceMs > this.sizeMs)
      throw new WindowDefinitionError(`advance ${advanceMs} ms exceeds window size ${this.sizeMs} ms`);
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /**
   * Starts of the windows containing `timestamp`, ascending — Kafka's TimeWindows.windowsFor:
   * first start = floor(max(0, ts − size + advance) / advance) · advance, then every advance ≤ ts.
   * Calls `each` instead of allocating a map: this is on the hot path.
   */
  forEachWindowStart(timestamp: number, each: (start: number) => void): void {
    const advance = this.advanceMs;
    let start = Math.floor(Math.max(0, timestamp - this.sizeMs + advance) / advance) * advance;
    for (; start <= timestamp; start += advance) each(start);
  }

  /** Window starts containing `timestamp`, ascending (allocates; for tests and tools). */
  windowsFor(timestamp: number): Window[] {
    const out: Window[] = [];
    this.forEachWindowStart(timestamp, (start) => out.push({ start, end: start + this.sizeMs }));
    return out;
  }
}

/**
 * Sliding windows (Kafka Streams' SlidingWindows): windows of `timeDifferenceMs` whose both ends are
 * inclusive, defined by the records themselves — each record at t defines [t − d, t] and, when later
 * records exist within d, [t + 1, t + 1 + d].
 */
export class SlidingWindows {
  private constructor(
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    checkDuration('time difference', timeDifferenceMs, 1);
    checkDuration('grace', graceMs);
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }
}

/** Session windows (Kafka Streams' SessionWindows): records of a key closer than the gap merge into one session. */
export class SessionWindows {
  private constructor(
    readonly inactivityGapMs: number,
    readonly graceMs: number,
  ) {}

  static ofInactivityGapWithNoGrace(gapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(gapMs, 0);
  }

  static ofInactivityGapAndGrace(gapMs: number, graceMs: number): SessionWindows {
    checkDuration('inactivity gap', gapMs, 1);
    checkDuration('grace', graceMs);
    return new SessionWindows(gapMs, graceMs);
  }
}

/** Kafka's default grace of windows made by the deprecated factories (`JoinWindows.of`). */
const DEPRECATED_DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Join windows for KStream–KStream joins (Kafka Streams' JoinWindows): records join when
 * left.ts − before ≤ right.ts ≤ left.ts + after.
 *
 * Windows made by `ofTimeDifference…` have the spurious-result fix: left/outer results for
 * unmatched records are emitted once the window (+ grace) has closed. `of()` is Kafka's deprecated
 * factory, kept because ksqlDB uses it for joins written without GRACE PERIOD: grace
 * max(24 h − 2·difference, 0) and unmatched records joined with null *at once* (pre-3.1 behaviour).
 */
export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    readonly graceMs: number,
    readonly spuriousResultFixEnabled: boolean,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    checkDuration('time difference', timeDifferenceMs);
    checkDuration('grace', graceMs);
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, graceMs, true);
  }

  /** Kafka's deprecated `JoinWindows.of`: 24 h default grace, no spurious-result fix (eager left/outer results). */
  static of(timeDifferenceMs: number): JoinWindows {
    checkDuration('time difference', timeDifferenceMs);
    const grace = Math.max(DEPRECATED_DEFAULT_GRACE_MS - 2 * timeDifferenceMs, 0);
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, grace, false);
  }

  before(ms: number): JoinWindows {
    checkDuration('before', ms);
    return new JoinWindows(ms, this.afterMs, this.graceMs, this.spuriousResultFixEnabled);
  }

  after(ms: number): JoinWindows {
    checkDuration('after', ms);
    return new JoinWindows(this.beforeMs, ms, this.graceMs, this.spuriousResultFixEnabled);
  }
}
