import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prettyLogLine } from '@meterstream/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, waitForProcess } from './helpers/cli-process.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/progress-with-logs.mjs', import.meta.url));
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Runs `command` under a pseudo-terminal (`script`, util-linux: in every Debian), so stderr is a
 * TTY; resolves with all it printed.
 */
function underTerminal(command: string[]): Promise<string> {
  const quoted = command.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], {
    env: { ...process.env, NO_COLOR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve) => child.once('exit', () => resolve(out)));
}

describe('prettyLogLine', () => {
  const line = JSON.stringify({
    level: 40,
    time: Date.UTC(2024, 0, 1, 12, 30, 5, 123),
    pid: 1,
    hostname: 'h',
    name: 'aggregate',
    lateDropped: 12,
    topic: 'metrics dlq',
    msg: 'dropped 12 late records',
  });

  it('shows time, level, logger name, message, then the fields as key=value', () => {
    expect(prettyLogLine(line, false)).toBe(
      '12:30:05.123 WARN  aggregate: dropped 12 late records lateDropped=12 topic="metrics dlq"',
    );
  });

  it('colours only when asked', () => {
    expect(prettyLogLine(line, true)).toMatch(ANSI);
    expect(prettyLogLine(line, false)).not.toMatch(ANSI);
  });

  it('shows an error as its type and message, with the stack from level error up', () => {
    const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at here' };
    const warn = prettyLogLine(JSON.stringify({ level: 40, time: 0, msg: 'm', err }), false);
    expect(warn).toBe('00:00:00.000 WARN  m err="Error: boom"');
    const error = prettyLogLine(JSON.stringify({ level: 50, time: 0, msg: 'm', err }), false);
    expect(error.split('\n')).toEqual([
      '00:00:00.000 ERROR m err="Error: boom"',
      'Error: boom',
      '    at here',
    ]);
  });
});

describe('log format of the meterstream command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'log-output-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** `broker` logs at info while it starts; it is stopped once it printed its listening line. */
  async function brokerOutput(extra: string[], name: string): Promise<string> {
    const proc = runCli(
      ['broker', '--port', '0', '--schema-registry-port', 'off', '--data-dir', join(dir, name), ...extra],
      { METERSTREAM_LOG_LEVEL: 'info' },
    );
    await waitForProcess(proc, 'the listening line', () => proc.output().includes('broker listening on'));
    proc.kill('SIGTERM');
    await proc.exited;
    return proc.output();
  }

  it('into a pipe: JSON lines, no ANSI codes', async () => {
    const output = await brokerOutput([], 'piped');
    expect(output).toMatch(/^\{"level":30,.*"msg":"broker listening"\}$/m);
    expect(output).not.toMatch(ANSI);
  }, 60_000);

  it('--log-format pretty into a pipe: human lines, still no ANSI codes', async () => {
    const output = await brokerOutput(['--log-format', 'pretty'], 'pretty-piped');
    expect(output).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}broker: broker listening .*port=\d+/m);
    expect(output).not.toContain('{"level"');
    expect(output).not.toMatch(ANSI);
  }, 60_000);

  it('on a terminal: human lines in colour; --log-format json there: JSON', async () => {
    const tty = await underTerminal([process.execPath, FIXTURE]);
    expect(tty).toMatch(ANSI);
    expect(tty.replace(ANSI, '')).toMatch(/\d\d:\d\d:\d\d\.\d{3} INFO {2}fixture: after the bar/);
    const json = await underTerminal([process.execPath, FIXTURE, 'json']);
    expect(json).toMatch(/\{"level":30,[^\n]*"msg":"after the bar"\}/);
  }, 60_000);

  it('a log line written while the progress bar is drawn gets a line of its own', async () => {
    const raw = await underTerminal([process.execPath, FIXTURE, 'pretty']);
    // What the terminal shows on each line: split at newlines, carriage returns and "column 1"
    // moves, escape sequences removed; a line holding both bar and log text is the defect.
    const lines = raw
      .replaceAll('\x1b[1G', '\n')
      .split(/[\r\n]+/)
      .map((line) => line.replace(ANSI, '').trim())
      .filter(Boolean);
    for (const message of ['first line while the bar is drawn', 'second line while the bar is drawn']) {
      const shown = lines.filter((line) => line.includes(message));
      expect(shown, raw).toHaveLength(1);
      expect(shown[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} (INFO |WARN ) fixture: /);
      expect(shown[0]).not.toContain('replay [');
    }
    expect(lines.some((line) => line.startsWith('replay [') && line.includes('100%'))).toBe(true);
  }, 60_000);
});
