import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../src/index.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** A stream collecting what is written; `tty` makes it look like a terminal to cli-progress. */
function collector(tty: boolean): Writable & { isTTY?: boolean; columns?: number; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY?: boolean; columns?: number; text(): string };
  if (tty) {
    stream.isTTY = true;
    stream.columns = 100;
  }
  stream.text = () => text;
  return stream;
}

describe('createProgressReporter', () => {
  it('writes plain lines (count, total, share, rate, ETA, note) and no escape sequence when not on a terminal', () => {
    const stream = collector(false);
    const progress = createProgressReporter({
      label: 'demo',
      unit: 'things',
      total: 10,
      stream,
      logIntervalMs: 0,
    });
    progress.update(5, 'first half');
    progress.log('a line of output');
    progress.update(10);
    progress.stop();
    const lines = stream.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^demo: 5\/10 things \(50%\), \d+ things\/s, ETA \d+s, first half$/);
    expect(lines[1]).toBe('a line of output');
    expect(lines[2]).toMatch(/^demo: 10\/10 things \(100%\), \d+ things\/s, ETA 0s, first half$/);
    expect(lines).toHaveLength(3); // stop() adds nothing: the last count was written
    expect(stream.text()).not.toMatch(ANSI);
  });

  it('writes a line only once per interval, and the last count when stopped', () => {
    const stream = collector(false);
    const progress = createProgressReporter({
      label: 'demo',
      unit: 'things',
      stream,
      logIntervalMs: 3_600_000,
    });
    for (let i = 1; i <= 100; i++) progress.update(i);
    expect(stream.text()).toBe('');
    progress.stop();
    expect(stream.text()).toMatch(/^demo: 100 things, \d+ things\/s\n$/);
  });

  it('logs structured lines through a logger, the count under its own field name', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const progress = createProgressReporter({
      label: 'batch',
      unit: 'objects',
      countField: 'objectsRead',
      total: 4,
      logger,
      tty: false,
      logIntervalMs: 0,
    });
    progress.update(1);
    progress.setTotal(8);
    progress.update(8);
    progress.stop();
    expect(lines.map((l) => [l.msg, l.objectsRead, l.total])).toEqual([
      ['batch progress', 1, 4],
      ['batch progress', 8, 8],
    ]);
    expect(lines[1]).toHaveProperty('rate');
    expect(lines[1]).toHaveProperty('eta', '0s');
  });

  it('draws a bar with percentage, count, rate and ETA on a terminal, printing log lines above it', async () => {
    const stream = collector(true);
    const progress = createProgressReporter({ label: 'demo', unit: 'things', total: 10, stream });
    progress.update(3);
    progress.log('a line while the bar is drawn');
    progress.update(10);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the bar redraws at 5 fps
    progress.stop();
    const shown = stream
      .text()
      .replaceAll('\x1b[1G', '\n')
      .split(/[\r\n]+/)
      .map((line) => line.replace(ANSI, '').trim())
      .filter(Boolean);
    expect(shown).toContain('a line while the bar is drawn');
    expect(
      shown.some((line) => /^demo \[.*\] 100% \| 10\/10 things \| \d+ things\/s \| ETA/.test(line)),
    ).toBe(true);
    expect(shown.filter((line) => line.includes('a line while') && line.includes('demo ['))).toEqual([]);
    expect(stream.text()).toMatch(ANSI);
  });
});
