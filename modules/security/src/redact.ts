/** Key names whose values are secrets (matched case-insensitively, anywhere in the name). */
const SECRET_KEY =
  /pass(word|wd)?$|passw|secret|token|private.?key|credential|authorization|^key$|serverKey|apiKey/i;

export const REDACTED = '[redacted]';

/**
 * A copy of a configuration object fit for a log line: values under secret-looking keys are
 * replaced, and `user:password@` in URL strings loses its password. Cycles are cut.
 */
export function redactSecrets<T>(value: T): T {
  return redact(value, new WeakSet()) as T;
}

function redact(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactUrl(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, seen);
  }
  return out;
}

function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^/\s@]+@/gi, `$1${REDACTED}@`);
}
