import { type Logger, type ProgressReporter, createProgressReporter } from '@meterstream/common';

export type { ProgressReporter } from '@meterstream/common';

export interface ProgressOptions {
  /** Expected number of messages, when known (gives a bar and an ETA). */
  total?: number;
  logger: Logger;
  /** Draw a bar (TTY) or log lines. Default: a bar when stderr is a TTY. */
  tty?: boolean;
  /** Interval of the plain log lines. Default METERSTREAM_PROGRESS_INTERVAL_MS, else 5 s. */
  logIntervalMs?: number;
}

/**
 * Progress of a replay: common's progress reporter (a cli-progress bar with rate and ETA on a
 * terminal, plain periodic `replay progress` log lines with `published`, rate and ETA otherwise).
 */
export function createProgress(options: ProgressOptions): ProgressReporter {
  return createProgressReporter({
    label: 'replay',
    unit: 'msgs',
    countField: 'published',
    total: options.total,
    logger: options.logger,
    tty: options.tty,
    logIntervalMs: options.logIntervalMs,
  });
}
