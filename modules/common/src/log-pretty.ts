/**
 * The human form of a log line, for a terminal: `14:24:35.086 WARN  aggregate: message key=value`.
 * pino writes JSON lines; this reads them back rather than formatting twice, so JSON (for files,
 * pipes and log shippers) stays the one format pino produces.
 */

const LEVELS: Record<number, { label: string; color: string }> = {
  10: { label: 'TRACE', color: '\x1b[90m' },
  20: { label: 'DEBUG', color: '\x1b[36m' },
  30: { label: 'INFO ', color: '\x1b[32m' },
  40: { label: 'WARN ', color: '\x1b[33m' },
  50: { label: 'ERROR', color: '\x1b[31m' },
  60: { label: 'FATAL', color: '\x1b[35m' },
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

/** pino's own fields, shown in the line's head rather than as key=value. */
const HEAD = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

function clock(time: unknown): string {
  const date = new Date(typeof time === 'number' ? time : Date.now());
  return date.toISOString().slice(11, 23);
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** One JSON log line as a human line (with ANSI colours when `colors`); not JSON: returned as is. */
export function prettyLogLine(line: string, colors: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = LEVELS[entry.level as number] ?? { label: String(entry.level), color: '' };
  const paint = (code: string, text: string) => (colors ? `${code}${text}${RESET}` : text);
  const fields: string[] = [];
  let stack: string | undefined;
  for (const [key, value] of Object.entries(entry)) {
    if (HEAD.has(key)) continue;
    if (key === 'err' && value && typeof value === 'object') {
      const err = value as { type?: string; message?: string; stack?: string };
      fields.push(`err=${fieldValue(`${err.type ?? 'Error'}: ${err.message ?? ''}`)}`);
      // The stack matters when something failed; at lower levels the message says enough.
      if ((entry.level as number) >= 50 && err.stack) stack = err.stack;
      continue;
    }
    fields.push(`${key}=${fieldValue(value)}`);
  }
  const name = entry.name === undefined ? '' : `${String(entry.name)}: `;
  const head = `${paint(DIM, clock(entry.time))} ${paint(level.color, level.label)} ${name}${String(entry.msg ?? '')}`;
  const tail = fields.length > 0 ? ` ${paint(DIM, fields.join(' '))}` : '';
  return `${head}${tail}${stack ? `\n${paint(DIM, stack)}` : ''}`;
}
