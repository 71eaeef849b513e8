import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../src/index.js';

describe('ISO-8601 instants', () => {
  // First in the file: the last-instant cache once answered '' with 0 before anything was parsed.
  it('an empty text is not an instant, also before any other text was parsed', () => {
    expect(parseInstant('')).toEqual({ error: expect.stringContaining('not an ISO-8601 instant') });
    expect(parseInstant('2006-12-16T17:24:00Z')).toBe(Date.UTC(2006, 11, 16, 17, 24));
    expect(typeof parseInstant('')).toBe('object');
  });

  it('years 0000–0099 stay in the first century (Date.UTC would read them as 1900–1999)', () => {
    const year50 = new Date(0);
    year50.setUTCFullYear(50, 0, 1);
    expect(parseInstant('0050-01-01T00:00:00Z')).toBe(year50.getTime());
    for (const text of ['0099-12-31T23:59:59.250Z', '0000-02-29T12:30:00Z', '0004-02-29T00:00:01Z'])
      expect(formatInstant(parseInstant(text) as number)).toBe(text);
  });

  it.each([
    ['2006-12-16T17:24:00Z', Date.UTC(2006, 11, 16, 17, 24)],
    ['2006-12-16T17:24:00.123Z', Date.UTC(2006, 11, 16, 17, 24, 0, 123)],
    ['2008-02-29T23:59:59Z', Date.UTC(2008, 1, 29, 23, 59, 59)],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['2006-12-16T18:24:00+01:00', Date.UTC(2006, 11, 16, 17, 24)],
    ['2006-12-16T17:24Z', Date.UTC(2006, 11, 16, 17, 24)],
    ['2006-12-16T17:24:00.5Z', Date.UTC(2006, 11, 16, 17, 24, 0, 500)],
  ])('parses %s', (text, expected) => {
    expect(parseInstant(text)).toBe(expected);
  });

  it.each([
    ['2006-02-29T00:00:00Z', 'not a valid calendar date'],
    ['1900-02-29T00:00:00Z', 'not a valid calendar date'],
    ['2006-04-31T00:00:00Z', 'not a valid calendar date'],
    ['2006-13-01T00:00:00Z', 'not a valid date-time'],
    ['2006-12-16T24:00:00Z', ''],
    ['2006-12-16 17:24:00Z', 'not an ISO-8601 instant'],
    ['2006-12-16T17:24:00', 'not an ISO-8601 instant'],
    ['2006-12-1xT17:24:00Z', 'not an ISO-8601 instant'],
  ])('rejects %s', (text, reason) => {
    const parsed = parseInstant(text);
    expect(typeof parsed).toBe('object');
    expect((parsed as { error: string }).error).toContain(reason);
  });

  it('repeated texts (served by the last-instant cache) and texts in between parse the same as alone', () => {
    const texts = [
      '2006-12-16T17:24:00Z',
      '2006-12-16T17:24:00Z',
      '2006-12-16T17:25:00Z',
      '2006-12-16T17:24:00Z',
    ];
    expect(texts.map((t) => parseInstant(t))).toEqual([
      Date.UTC(2006, 11, 16, 17, 24),
      Date.UTC(2006, 11, 16, 17, 24),
      Date.UTC(2006, 11, 16, 17, 25),
      Date.UTC(2006, 11, 16, 17, 24),
    ]);
    // An invalid text right after a cached one is still rejected.
    expect(typeof parseInstant('2006-02-29T00:00:00Z')).toBe('object');
  });

  it('formats without milliseconds when they are zero and round-trips', () => {
    for (const ms of [0, Date.UTC(2006, 11, 16, 17, 24), Date.UTC(2012, 3, 1, 0, 0, 0, 7)]) {
      expect(parseInstant(formatInstant(ms))).toBe(ms);
    }
    expect(formatInstant(Date.UTC(2006, 11, 16, 17, 24))).toBe('2006-12-16T17:24:00Z');
  });
});
