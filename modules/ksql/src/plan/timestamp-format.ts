/**
 * Parses timestamp strings with a Java DateTimeFormatter pattern (TIMESTAMP_FORMAT), compiled
 * once into a regular expression. Covers the pattern letters timestamp columns use: y, M, d, H, h,
 * m, s, S (fraction), a (AM/PM), X / x / Z (offsets) and quoted literals. Without an offset in the
 * pattern the time is UTC (ksqlDB's default zone for TIMESTAMP_FORMAT).
 */
export type TimestampParser = (text: string) => number | undefined;

interface Field {
  readonly letter: string;
  readonly width: number;
}

export function compileTimestampFormat(pattern: string): TimestampParser {
  const fields: Field[] = [];
  let regex = '^';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      const lit = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      regex += lit === '' ? "'" : escape(lit);
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      regex += escape(c);
      i++;
      continue;
    }
    let j = i;
    while (pattern[j] === c) j++;
    const width = j - i;
    fields.push({ letter: c, width });
    regex += fieldRegex(c, width);
    i = j;
  }
  const re = new RegExp(`${regex}$`);
  return (text) => {
    const m = re.exec(text);
    if (!m) return undefined;
    let year = 1970;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let millis = 0;
    let pm: boolean | undefined;
    let offsetMin = 0;
    fields.forEach((f, k) => {
      const v = m[k + 1];
      switch (f.letter) {
        case 'y':
        case 'u':
          year = f.width === 2 ? 2000 + Number(v) : Number(v);
          break;
        case 'M':
          month = Number(v);
          break;
        case 'd':
          day = Number(v);
          break;
        case 'H':
        case 'h':
          hour = Number(v);
          break;
        case 'm':
          minute = Number(v);
          break;
        case 's':
          second = Number(v);
          break;
        case 'S':
          millis = Math.floor(Number(`0.${v}`) * 1000 + 1e-9);
          break;
        case 'a':
          pm = v.toUpperCase() === 'PM';
          break;
        case 'X':
        case 'x':
        case 'Z':
          offsetMin = parseOffset(v);
          break;
      }
    });
    if (pm !== undefined) hour = (hour % 12) + (pm ? 12 : 0);
    return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMin * 60_000;
  };
}

function fieldRegex(letter: string, width: number): string {
  switch (letter) {
    case 'y':
    case 'u':
      return width === 2 ? '(\\d{2})' : '(\\d{4,})';
    case 'S':
      return `(\\d{${width}})`;
    case 'a':
      return '([AaPp][Mm])';
    case 'X':
    case 'x':
    case 'Z':
      return '(Z|[+-]\\d{2}(?::?\\d{2})?)';
    default:
      return width === 1 ? '(\\d{1,2})' : `(\\d{${width}})`;
  }
}

function parseOffset(v: string): number {
  if (v === 'Z') return 0;
  const sign = v[0] === '-' ? -1 : 1;
  const digits = v.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
