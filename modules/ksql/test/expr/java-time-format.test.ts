import { describe, expect, it } from 'vitest';
import { compileJavaTimePattern } from '../../src/values/java-time-format.js';
import { resolveTimeZone } from '../../src/values/time-zone.js';

const ts = Date.UTC(2021, 2, 4, 5, 6, 7, 89); // Thursday 2021-03-04T05:06:07.089Z
const fmt = (pattern: string, ms = ts, zone = 'UTC') =>
  compileJavaTimePattern(pattern).format(ms, resolveTimeZone(zone));
const parse = (pattern: string, text: string, zone = 'UTC') =>
  compileJavaTimePattern(pattern).parse(text, resolveTimeZone(zone));

describe('formatting', () => {
  it('prints numeric fields padded to the letter count', () => {
    expect(fmt("yyyy-MM-dd'T'HH:mm:ss.SSS")).toBe('2021-03-04T05:06:07.089');
    expect(fmt('y/M/d H:m:s')).toBe('2021/3/4 5:6:7');
    expect(fmt('yy D')).toBe('21 63');
  });

  it('prints quoted literals, with two quotes for one', () => {
    expect(fmt("HH 'o''clock' ''")).toBe("05 o'clock '");
    expect(fmt("'at' h:mm a")).toBe('at 5:06 AM');
  });

  it('prints month and day names', () => {
    expect(fmt('EEE, dd MMM yyyy')).toBe('Thu, 04 Mar 2021');
    expect(fmt('EEEE d MMMM')).toBe('Thursday 4 March');
  });

  it('prints zone offsets in every style, Z for zero where the pattern says so', () => {
    expect(fmt('X')).toBe('Z');
    expect(fmt('xxx')).toBe('+00:00');
    expect(fmt('Z')).toBe('+0000');
    const la = 'America/Los_Angeles';
    expect(fmt('HH:mm X', ts, la)).toBe('21:06 -08');
    expect(fmt('XX', ts, la)).toBe('-0800');
    expect(fmt('XXX', ts, la)).toBe('-08:00');
    expect(fmt('Z', ts, la)).toBe('-0800');
    expect(fmt('ZZZZ', ts, la)).toBe('GMT-08:00');
    expect(fmt('X', ts, '+05:30')).toBe('+0530');
    expect(fmt('dd HH:mm', ts, '+05:30')).toBe('04 10:36');
  });

  it('prints zone names and ids', () => {
    expect(fmt('z', ts, 'America/Los_Angeles')).toBe('PST');
    expect(fmt('z', Date.UTC(2021, 6, 1), 'America/Los_Angeles')).toBe('PDT');
    expect(fmt('VV', ts, 'Europe/Paris')).toBe('Europe/Paris');
    // Java's abbreviations outside the US too
    expect(fmt('z', Date.UTC(2018, 4, 11), 'Europe/London')).toBe('BST');
    expect(fmt('z', ts, 'Europe/London')).toBe('GMT');
    expect(fmt('z', ts, 'Asia/Tokyo')).toBe('JST');
    expect(fmt('z', Date.UTC(2018, 4, 11), 'Europe/Berlin')).toBe('CEST');
  });

  it('prints optional sections when their fields exist', () => {
    expect(fmt('yyyy-MM-dd[ HH:mm]')).toBe('2021-03-04 05:06');
    expect(compileJavaTimePattern('yyyy-MM-dd[ HH:mm]').format(18690 * 86_400_000, undefined, 'date')).toBe(
      '2021-03-04',
    );
    expect(() => compileJavaTimePattern('HH:mm').format(0, undefined, 'date')).toThrow('Unsupported field');
  });

  it('prints week fields by the US rules (weeks from Sunday, week 1 holds 1 January), quarters and time of day', () => {
    expect(fmt('Y-w W e')).toBe('2021-10 1 5');
    expect(fmt('Y-w', Date.UTC(2020, 11, 31))).toBe('2021-1');
    expect(fmt('Y-w', Date.UTC(2020, 11, 26))).toBe('2020-52');
    expect(fmt('Q QQQ QQQQ')).toBe('1 Q1 1st quarter');
    expect(fmt('A')).toBe(String(((5 * 60 + 6) * 60 + 7) * 1000 + 89));
  });

  it('prints fractions of any width', () => {
    expect(fmt('ss.S')).toBe('07.0');
    expect(fmt('ss.SSSSSS')).toBe('07.089000');
  });

  it('refuses unknown pattern letters and unterminated quotes', () => {
    expect(() => compileJavaTimePattern('yyyy-bb')).toThrow('Unknown pattern letter: b');
    expect(() => compileJavaTimePattern("yyyy 'x")).toThrow('incomplete string literal');
  });
});

describe('parsing', () => {
  it('parses what it formats', () => {
    const p = "yyyy-MM-dd'T'HH:mm:ss.SSSX";
    expect(parse(p, fmt(p))).toBe(ts);
    expect(parse(p, '2021-03-04T05:06:07.089+01:00')).toBe(ts - 3_600_000);
    // parsing is case-insensitive, as ksqlDB's parsers are (a lower-case 'z' for UTC)
    expect(parse(p, '2021-03-04t05:06:07.089z')).toBe(ts);
  });

  it('defaults missing fields to the epoch date and midnight', () => {
    expect(parse('HH:mm', '10:30')).toBe(10.5 * 3_600_000);
    expect(parse('yyyy', '2021')).toBe(Date.UTC(2021, 0, 1));
  });

  it('parses optional sections whether present or not', () => {
    expect(parse('yyyy-MM-dd[ HH:mm[:ss]]', '2021-03-04')).toBe(Date.UTC(2021, 2, 4));
    expect(parse('yyyy-MM-dd[ HH:mm[:ss]]', '2021-03-04 10:20')).toBe(Date.UTC(2021, 2, 4, 10, 20));
    expect(parse('yyyy-MM-dd[ HH:mm[:ss]]', '2021-03-04 10:20:30')).toBe(Date.UTC(2021, 2, 4, 10, 20, 30));
    expect(parse("yyyy-MM-dd'T'HH:mm:ss[.SSS]", '2021-03-04T10:20:30.5'.replace('.5', '.500'))).toBe(
      Date.UTC(2021, 2, 4, 10, 20, 30, 500),
    );
  });

  it('splits adjacent numeric fields by their widths', () => {
    expect(parse('yyyyMMddHHmmss', '20210304050607')).toBe(Date.UTC(2021, 2, 4, 5, 6, 7));
  });

  it('parses names case-insensitively, AM/PM hours and two-digit years', () => {
    expect(parse('dd MMM yy hh:mm a', '04 mar 21 05:30 PM')).toBe(Date.UTC(2021, 2, 4, 17, 30));
    expect(parse('EEEE, MMMM d, yyyy', 'Thursday, March 4, 2021')).toBe(Date.UTC(2021, 2, 4));
    expect(parse('h a', '12 AM')).toBe(0);
  });

  it('uses the zone of the text, else the given zone', () => {
    expect(parse('yyyy-MM-dd HH:mm', '2021-03-04 10:00', 'America/New_York')).toBe(Date.UTC(2021, 2, 4, 15));
    expect(parse('yyyy-MM-dd HH:mm z', '2021-03-04 10:00 PST', 'UTC')).toBe(Date.UTC(2021, 2, 4, 18));
    expect(parse('yyyy-MM-dd HH:mm VV', '2021-03-04 10:00 Europe/Paris')).toBe(Date.UTC(2021, 2, 4, 9));
    expect(parse('yyyy-MM-dd HH:mm Z', '2021-03-04 10:00 -0230')).toBe(Date.UTC(2021, 2, 4, 12, 30));
  });

  it('resolves daylight-saving gaps forward and overlaps to the earlier instant, as java.time', () => {
    const la = 'America/Los_Angeles';
    expect(parse('yyyy-MM-dd HH:mm', '2021-03-14 02:30', la)).toBe(Date.UTC(2021, 2, 14, 10, 30));
    expect(parse('yyyy-MM-dd HH:mm', '2021-11-07 01:30', la)).toBe(Date.UTC(2021, 10, 7, 8, 30));
    expect(parse('yyyy-MM-dd HH:mm', '2021-07-01 12:00', la)).toBe(Date.UTC(2021, 6, 1, 19));
  });

  it('moves day 29–31 of a shorter month to its last day, and refuses impossible values', () => {
    expect(parse('yyyy-MM-dd', '2021-02-30')).toBe(Date.UTC(2021, 1, 28));
    expect(parse('yyyy-MM-dd', '2020-02-30')).toBe(Date.UTC(2020, 1, 29));
    expect(() => parse('yyyy-MM-dd', '2021-02-32')).toThrow('could not be parsed');
    expect(() => parse('yyyy-MM-dd', '2021-13-01')).toThrow('could not be parsed');
    expect(() => parse('HH:mm', '24:00')).toThrow('could not be parsed');
  });

  it('refuses text that does not match or has text left over', () => {
    expect(() => parse('yyyy-MM-dd', '2021/03/04')).toThrow(
      "Text '2021/03/04' could not be parsed at index 4",
    );
    expect(() => parse('yyyy-MM-dd', '2021-03-04x')).toThrow('unparsed text found at index 10');
    expect(() => parse('yyyy-MM-dd', '2021-3-04')).toThrow('could not be parsed');
  });
});

describe('time zones', () => {
  it('resolves offsets and IANA ids, and refuses unknown ids', () => {
    expect(resolveTimeZone('+02:00').offsetAt(0)).toBe(7_200_000);
    expect(resolveTimeZone('GMT-3').offsetAt(0)).toBe(-10_800_000);
    expect(resolveTimeZone('Asia/Kolkata').offsetAt(ts)).toBe(19_800_000);
    expect(() => resolveTimeZone('Mars/Olympus')).toThrow('Unknown time-zone ID: Mars/Olympus');
  });
});
