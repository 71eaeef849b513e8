import { formatInstant } from './time.js';

/**
 * What every sink (Cassandra writer, Redis view sink, S3 sink) does when making records durable
 * fails: the write is retried `retries` times with exponential backoff (a Cassandra node
 * restarting, an S3 endpoint answering 503 for a moment); when it still fails the records are
 * given up to the dead-letter topic with `sinkFailureHeaders`, and after `alertAfterFailures`
 * consecutive given-up writes the sink raises a `sink-failing` event on `meter-alerts` (once, until
 * a write succeeds again: `sink-recovered`).
 */
export interface SinkRetryPolicy {
  /** Retries after the first attempt. Default 3. */
  retries: number;
  /** Wait before the first retry; doubled for each further one. Default 200 ms. */
  initialBackoffMs: number;
  /** Upper bound of one wait. Default 5 s. */
  maxBackoffMs: number;
  /** Consecutive given-up writes that make a sustained failure (an alert). Default 3. */
  alertAfterFailures: number;
}

export const DEFAULT_SINK_RETRY_POLICY: Readonly<SinkRetryPolicy> = Object.freeze({
  retries: 3,
  initialBackoffMs: 200,
  maxBackoffMs: 5_000,
  alertAfterFailures: 3,
});

/** The topic sink alerts go to: the one alert topic of the pipeline (the quality stage's). */
export const SINK_ALERTS_TOPIC = 'meter-alerts';

/** The `error.reason` of a record a sink gave up on (dead-letter header and counter label). */
export const SINK_WRITE_FAILED = 'sink-write-failed';

/** The wait before retry number `retry` (1-based). */
export function backoffDelayMs(policy: SinkRetryPolicy, retry: number): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (retry - 1));
}

/**
 * Runs `operation`, retrying it `policy.retries` times with backoff; rejects with the last error.
 * `onRetry` is told of each failure that will be retried (for logs and counters). The operation
 * must be idempotent (every sink's writes are: upserts, objects under offset-derived names).
 */
export async function retryWithBackoff<T>(
  operation: () => Promise<T>,
  policy: SinkRetryPolicy,
  onRetry?: (retry: number, error: unknown, delayMs: number) => void,
): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await operation();
    } catch (error) {
      if (retry > policy.retries) throw error;
      const delayMs = backoffDelayMs(policy, retry);
      onRetry?.(retry, error, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** A write a sink gave up on after its retries. */
export class SinkWriteError extends Error {
  override readonly name = 'SinkWriteError';
  constructor(
    /** The sink (its consumer group / application id). */
    readonly sink: string,
    readonly topic: string,
    readonly partition: number,
    /** Offsets of the first and last record of the write. */
    readonly firstOffset: string,
    readonly lastOffset: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(
      `${sink}: write of ${topic} partition ${partition} offsets ${firstOffset}..${lastOffset} failed ${attempts} times: ${messageOf(options.cause)}`,
      options,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Headers of a record given up by a sink (after its original headers), the same names as a
 * DeserializationError's (dead-letter.ts) plus `error.attempts`.
 */
export function sinkFailureHeaders(
  error: unknown,
  application: string,
  source: { topic: string; partition: number; offset: string },
  attempts: number,
): Record<string, string> {
  return {
    'error.class': error instanceof Error ? error.name : typeof error,
    'error.reason': SINK_WRITE_FAILED,
    'error.part': 'value',
    'error.message': messageOf(error),
    'error.topic': source.topic,
    'error.partition': String(source.partition),
    'error.offset': source.offset,
    'error.application': application,
    'error.attempts': String(attempts),
  };
}

/** An event on `meter-alerts` about a sink (not a meter: no gateway, type or attribute). */
export interface SinkAlert {
  type: 'sink-failing' | 'sink-recovered';
  /** The sink's application id / consumer group. */
  sink: string;
  /** ISO-8601 UTC, wall clock: when the condition was seen. */
  timestamp: string;
  /** sink-failing: the last error's message; sink-recovered: `write succeeded`. */
  reason: string;
  details: {
    consecutiveFailures: number;
    /** ISO-8601 UTC of the first failure of the run. */
    since: string;
    topic: string;
    partition: number;
  };
}

/**
 * Counts a sink's consecutive given-up writes and says when they make a sustained failure: the
 * `alertAfterFailures`-th raises `sink-failing` (once), the next successful write `sink-recovered`.
 * One tracker per sink process (its partitions share the endpoint that fails).
 */
export class SinkFailureTracker {
  private consecutive = 0;
  private since: number | undefined;
  private alerting = false;

  constructor(
    private readonly sink: string,
    private readonly alertAfterFailures: number,
    private readonly now: () => number = Date.now,
  ) {}

  get failing(): boolean {
    return this.alerting;
  }

  /** A write was given up; returns the alert to raise, if this makes the failure sustained. */
  failed(error: unknown, where: { topic: string; partition: number }): SinkAlert | undefined {
    this.consecutive++;
    this.since ??= this.now();
    if (this.alerting || this.consecutive < this.alertAfterFailures) return undefined;
    this.alerting = true;
    return this.alert('sink-failing', messageOf(error), where);
  }

  /** A write succeeded; returns `sink-recovered` when an alert was raised. */
  succeeded(where: { topic: string; partition: number }): SinkAlert | undefined {
    const alert = this.alerting ? this.alert('sink-recovered', 'write succeeded', where) : undefined;
    this.consecutive = 0;
    this.since = undefined;
    this.alerting = false;
    return alert;
  }

  private alert(
    type: SinkAlert['type'],
    reason: string,
    where: { topic: string; partition: number },
  ): SinkAlert {
    return {
      type,
      sink: this.sink,
      timestamp: formatInstant(this.now()),
      reason,
      details: {
        consecutiveFailures: this.consecutive,
        since: formatInstant(this.since ?? this.now()),
        topic: where.topic,
        partition: where.partition,
      },
    };
  }
}
