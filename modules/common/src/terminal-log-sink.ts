/**
 * Where log lines go while something owns the terminal's last line (a progress bar): that owner
 * prints them above itself, so a log line never lands inside the bar. Null: straight to stderr.
 */
let sink: ((line: string) => void) | null = null;

/** Routes terminal log lines through `lineSink` until called again with null. */
export function setTerminalLogSink(lineSink: ((line: string) => void) | null): void {
  sink = lineSink;
}

/** Writes one finished log line (with its newline) to the terminal, through the sink if one is set. */
export function writeTerminalLogLine(line: string): void {
  if (sink) sink(line);
  else process.stderr.write(line);
}
