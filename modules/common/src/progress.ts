import cliProgress from 'cli-progress';
import type { Logger } from './logger.js';
import { setTerminalLogSink } from './terminal-log-sink.js';

/** Progress of one long piece of work (replay, batch, verify, a benchmark). */
export interface ProgressReporter {
  /** `done` units so far; `note` a short word on what is being done (shown after the rate). */
  update(done: number, note?: string): void;
  /** The total once it is known (a bar without one shows count and rate only). */
  setTotal(total: number): void;
  /** A line of output: above the bar while one is drawn (never inside it), else to the stream as is. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** What runs: the bar's and the lines' first word (`replay`, `batch`, …). */
  label: string;
  /** What is counted (`msgs`, `objects`, `series`, `records`). */
  unit: string;
  total?: number;
  /**
   * Plain lines go through this logger at info, as structured fields (`countField`, total, rate,
   * eta, note) and `message`; without a logger, as text lines on `stream`.
   */
  logger?: Logger;
  /** Default `<label> progress`. */
  message?: string;
  /** The count's field name in logged lines (default `done`). */
  countField?: string;
  /** Draw a bar (a terminal) or write plain lines. Default: whether `stream` is a TTY. */
  tty?: boolean;
  /** Where the bar (and logger-less lines) go; default stderr, so stdout keeps a command's output. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Interval of the plain lines (default METERSTREAM_PROGRESS_INTERVAL_MS, else 5 s). */
  logIntervalMs?: number;
}

export function formatDuration(seconds: number): string {
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

function defaultInterval(): number {
  const fromEnv = Number(process.env.METERSTREAM_PROGRESS_INTERVAL_MS);
  return process.env.METERSTREAM_PROGRESS_INTERVAL_MS !== undefined &&
    Number.isFinite(fromEnv) &&
    fromEnv >= 0
    ? fromEnv
    : 5000;
}

/**
 * A cli-progress bar with rate and ETA on a terminal; plain periodic lines (count, rate, ETA) when
 * the output is a pipe or a file, so logs stay readable and free of escape sequences. While the bar
 * is drawn, the logger's terminal lines and `log()` lines are printed above it, never into it.
 */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const started = performance.now();
  let total = options.total !== undefined && Number.isFinite(options.total) ? options.total : undefined;
  const rateOf = (done: number) => done / Math.max(0.001, (performance.now() - started) / 1000);
  if (options.tty ?? stream.isTTY === true) return barReporter(options, stream, total, rateOf);

  const message = options.message ?? `${options.label} progress`;
  const interval = options.logIntervalMs ?? defaultInterval();
  let last = started;
  let latest = 0;
  let logged = -1;
  let note: string | undefined;
  const line = () => {
    logged = latest;
    const rate = rateOf(latest);
    const eta = total !== undefined ? formatDuration(Math.max(0, total - latest) / rate) : undefined;
    if (options.logger) {
      options.logger.info(
        {
          [options.countField ?? 'done']: latest,
          ...(total !== undefined ? { total } : {}),
          rate: Math.round(rate),
          ...(eta !== undefined ? { eta } : {}),
          ...(note ? { note } : {}),
        },
        message,
      );
      return;
    }
    const share = total ? ` (${Math.floor((100 * latest) / total)}%)` : '';
    const of = total !== undefined ? `/${total}` : '';
    stream.write(
      `${options.label}: ${latest}${of} ${options.unit}${share}, ${Math.round(rate)} ${options.unit}/s` +
        `${eta !== undefined ? `, ETA ${eta}` : ''}${note ? `, ${note}` : ''}\n`,
    );
  };
  return {
    update(done, nextNote) {
      latest = done;
      if (nextNote !== undefined) note = nextNote;
      const now = performance.now();
      if (now - last >= interval) {
        last = now;
        line();
      }
    },
    setTotal(value) {
      total = value;
    },
    log(text) {
      stream.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    stop() {
      // The last count, unless it was the last line written.
      if (latest !== logged && latest > 0) line();
    },
  };
}

function barReporter(
  options: ProgressOptions,
  stream: NodeJS.WritableStream,
  initialTotal: number | undefined,
  rateOf: (done: number) => number,
): ProgressReporter {
  const { label, unit } = options;
  const known = `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}{note}`;
  const unknown = `${label} {value} ${unit} | {rate} ${unit}/s | {duration_formatted}{note}`;
  // A MultiBar (of one bar) because it prints log lines above the bar: the logger's terminal lines
  // go through it while the bar is drawn, never into the middle of it.
  const bars = new cliProgress.MultiBar(
    {
      format: (barOptions, params, payload) =>
        cliProgress.Format.Formatter(
          { ...barOptions, format: params.total > 0 ? known : unknown },
          params,
          payload,
        ),
      stream: stream as NodeJS.WriteStream,
      etaBuffer: 50,
      // Short enough that the whole line (count, rate, ETA) fits an 80-column terminal.
      barsize: 20,
      fps: 5,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(initialTotal ?? 0, 0, { rate: 0, note: '' });
  let note = '';
  setTerminalLogSink((line) => bars.log(line));
  return {
    update(done, nextNote) {
      if (nextNote !== undefined) note = nextNote ? ` | ${nextNote}` : '';
      bar.update(done, { rate: Math.round(rateOf(done)), note });
    },
    setTotal(value) {
      bar.setTotal(value);
    },
    log(text) {
      bars.log(text.endsWith('\n') ? text : `${text}\n`);
    },
    stop() {
      setTerminalLogSink(null);
      // The bar prints buffered log lines on its next render; stop() alone would lose them.
      bars.update();
      bars.stop();
    },
  };
}
