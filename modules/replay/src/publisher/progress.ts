import { type Logger, setTerminalLogSink } from '@meterstream/common';
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(published: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Expected number of messages, when known (gives a bar and an ETA). */
  total?: number;
  logger: Logger;
  /** Draw a bar (TTY) or log lines. Default: a bar when stderr is a TTY. */
  tty?: boolean;
  /** Interval of the plain log lines. Default 5 s. */
  logIntervalMs?: number;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/**
 * Progress of a replay: a cli-progress bar with rate and ETA on a terminal, plain periodic log
 * lines (published, rate, ETA) otherwise, so logs piped to a file stay readable.
 */
export function createProgress(options: ProgressOptions): ProgressReporter {
  const started = performance.now();
  const total = options.total;
  const rateOf = (published: number) => published / Math.max(0.001, (performance.now() - started) / 1000);
  if (options.tty ?? process.stderr.isTTY === true) {
    const known = total !== undefined && Number.isFinite(total);
    // A MultiBar (of one bar) because it prints log lines above the bar: the logger's terminal
    // lines go through it while the bar is drawn, never into the middle of it.
    const bars = new cliProgress.MultiBar(
      {
        format: known
          ? 'replay [{bar}] {percentage}% | {value}/{total} msgs | {rate} msg/s | ETA {eta_formatted}'
          : 'replay {value} msgs | {rate} msg/s | {duration_formatted}',
        stream: process.stderr,
        etaBuffer: 50,
        fps: 5,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    const bar = bars.create(known ? (total as number) : 0, 0, { rate: 0 });
    setTerminalLogSink((line) => bars.log(line));
    return {
      update: (published) => bar.update(published, { rate: Math.round(rateOf(published)) }),
      stop: () => {
        setTerminalLogSink(null);
        // The bar prints buffered log lines on its next render; stop() alone would lose them.
        bars.update();
        bars.stop();
      },
    };
  }
  let last = started;
  let latest = 0;
  const log = () => {
    const rate = rateOf(latest);
    const remaining = total !== undefined ? Math.max(0, total - latest) : undefined;
    options.logger.info(
      {
        published: latest,
        ...(total !== undefined ? { total } : {}),
        rate: Math.round(rate),
        ...(remaining !== undefined ? { eta: formatDuration(remaining / rate) } : {}),
      },
      'replay progress',
    );
  };
  const interval = options.logIntervalMs ?? 5000;
  return {
    update(published) {
      latest = published;
      const now = performance.now();
      if (now - last >= interval) {
        last = now;
        log();
      }
    },
    stop() {},
  };
}
