import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalTimeConverter, UnknownZoneError, openDataset, parseUciLocalTime } from '@meterstream/replay';
import { FIXTURES } from '@meterstream/test-support';

const local = (y: number, mo: number, d: number, h: number, mi: number) => Date.UTC(y, mo - 1, d, h, mi);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('LocalTimeConverter (Europe/Paris)', () => {
  it('converts winter and summer times with their offsets', () => {
    const c = new LocalTimeConverter('Europe/Paris');
    expect(iso(c.toUtc(local(2006, 12, 16, 17, 24)))).toBe('2006-12-16T16:24:00.000Z');
    expect(iso(c.toUtc(local(2007, 7, 14, 12, 0)))).toBe('2007-07-14T10:00:00.000Z');
  });

  it('reports the hour skipped in spring as nonexistent', () => {
    const c = new LocalTimeConverter('Europe/Paris');
    expect(iso(c.toUtc(local(2007, 3, 25, 1, 59)))).toBe('2007-03-25T00:59:00.000Z');
    expect(c.toUtc(local(2007, 3, 25, 2, 0))).toBeNull();
    expect(c.toUtc(local(2007, 3, 25, 2, 59))).toBeNull();
    expect(iso(c.toUtc(local(2007, 3, 25, 3, 0)))).toBe('2007-03-25T01:00:00.000Z');
  });

  it('maps the repeated autumn hour to summer time first, winter time once the clock goes back', () => {
    const c = new LocalTimeConverter('Europe/Paris');
    expect(iso(c.toUtc(local(2007, 10, 28, 1, 59)))).toBe('2007-10-27T23:59:00.000Z');
    expect(iso(c.toUtc(local(2007, 10, 28, 2, 0)))).toBe('2007-10-28T00:00:00.000Z');
    expect(iso(c.toUtc(local(2007, 10, 28, 2, 59)))).toBe('2007-10-28T00:59:00.000Z');
    expect(iso(c.toUtc(local(2007, 10, 28, 2, 0)))).toBe('2007-10-28T01:00:00.000Z');
    expect(iso(c.toUtc(local(2007, 10, 28, 2, 30)))).toBe('2007-10-28T01:30:00.000Z');
    expect(iso(c.toUtc(local(2007, 10, 28, 3, 0)))).toBe('2007-10-28T02:00:00.000Z');
  });

  it('without context, takes the earlier instant of a repeated time', () => {
    expect(iso(new LocalTimeConverter('Europe/Paris').toUtc(local(2007, 10, 28, 2, 30)))).toBe(
      '2007-10-28T00:30:00.000Z',
    );
  });

  it('accepts other zones and refuses unknown ones', () => {
    expect(iso(new LocalTimeConverter('UTC+2').toUtc(local(2007, 1, 1, 12, 0)))).toBe(
      '2007-01-01T10:00:00.000Z',
    );
    expect(iso(new LocalTimeConverter('America/Toronto').toUtc(local(2007, 1, 1, 12, 0)))).toBe(
      '2007-01-01T17:00:00.000Z',
    );
    expect(() => new LocalTimeConverter('Mars/Olympus')).toThrow(UnknownZoneError);
  });
});

describe('parseUciLocalTime', () => {
  it('parses unpadded d/m/yyyy and refuses impossible dates', () => {
    expect(parseUciLocalTime('1/2/2007', '00:05:00')).toBe(Date.UTC(2007, 1, 1, 0, 5));
    expect(parseUciLocalTime('29/2/2008', '12:00:00')).toBe(Date.UTC(2008, 1, 29, 12));
    expect(parseUciLocalTime('29/2/2007', '12:00:00')).toBeNaN();
    expect(parseUciLocalTime('31/4/2007', '12:00:00')).toBeNaN();
    expect(parseUciLocalTime('1/13/2007', '12:00:00')).toBeNaN();
    expect(parseUciLocalTime('1/1/2007', '24:00:00')).toBeNaN();
    expect(parseUciLocalTime('1/1/2007', '12:00')).toBeNaN();
    expect(parseUciLocalTime('', '12:00:00')).toBeNaN();
  });
});

describe('UCI reader across the 2007 daylight-saving changes (generated fixture)', () => {
  it('converts every row to the instant it was written from and counts the nonexistent one', async () => {
    const expected = new Map(
      readFileSync(resolve(FIXTURES, 'uci-dst-2007.expected.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
        .map(([n, utc]) => [Number(n), utc!]),
    );
    const reader = openDataset(resolve(FIXTURES, 'uci-dst-2007.txt'), { type: 'electricity' });
    const got = new Map<number, string>();
    for await (const row of reader) got.set(row.line, new Date(row.timestamp).toISOString());
    expect(got.size).toBe(92);
    expect(got).toEqual(expected);
    expect(reader.skips.nonZero()).toEqual({ 'nonexistent-local-time': 1 });
    expect(reader.skips.examples[0]!.detail).toContain('25/3/2007 02:30:00 does not exist in Europe/Paris');
    // the UTC instants strictly increase, one minute apart within each window
    const instants = [...got.values()].map((t) => Date.parse(t));
    for (let i = 1; i < instants.length; i++) expect(instants[i]).toBeGreaterThan(instants[i - 1]!);
  });
});
