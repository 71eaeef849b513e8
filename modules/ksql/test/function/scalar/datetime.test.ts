import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../../../src/expr/compiled.js';
import { formatSqlType, SqlTypes } from '../../../src/types/sql-type.js';
import { compile, compileCollecting, E, evaluate } from '../../expr/builder.js';

const call = (name: string, ...args: Parameters<typeof E.call>[1][]) => evaluate(E.call(name, ...args));
const S = E.str;
const ms = Date.UTC(2021, 2, 4, 5, 6, 7, 89);
const day = 18690; // 2021-03-04
const TS = E.cast(S('2021-03-04T05:06:07.089'), SqlTypes.TIMESTAMP);
const DATE = E.cast(S('2021-03-04'), SqlTypes.DATE);
const TIME = E.cast(S('05:06:07.089'), SqlTypes.TIME);

describe('timestamps and text', () => {
  it('TIMESTAMPTOSTRING formats BIGINT milliseconds, in UTC or a given zone', () => {
    expect(call('TIMESTAMPTOSTRING', E.bigint(ms), S("yyyy-MM-dd'T'HH:mm:ss.SSS"))).toBe(
      '2021-03-04T05:06:07.089',
    );
    expect(call('TIMESTAMPTOSTRING', E.bigint(ms), S('yyyy-MM-dd HH:mm XXX'), S('Asia/Tokyo'))).toBe(
      '2021-03-04 14:06 +09:00',
    );
    expect(call('TIMESTAMPTOSTRING', E.int(0), S('yyyy'))).toBe('1970');
  });

  it('STRINGTOTIMESTAMP parses into BIGINT milliseconds', () => {
    expect(formatSqlType(compile(E.call('STRINGTOTIMESTAMP', S('x'), S('y'))).type)).toBe('BIGINT');
    expect(call('STRINGTOTIMESTAMP', S('2021-03-04 05:06:07.089'), S('yyyy-MM-dd HH:mm:ss.SSS'))).toBe(ms);
    expect(
      call('STRINGTOTIMESTAMP', S('2021-03-04 14:06:07.089'), S('yyyy-MM-dd HH:mm:ss.SSS'), S('Asia/Tokyo')),
    ).toBe(ms);
  });

  it('FORMAT_TIMESTAMP and PARSE_TIMESTAMP work on TIMESTAMP values', () => {
    expect(call('FORMAT_TIMESTAMP', TS, S('dd MMM yyyy, HH:mm'))).toBe('04 Mar 2021, 05:06');
    expect(call('FORMAT_TIMESTAMP', TS, S('HH:mm z'), S('America/Los_Angeles'))).toBe('21:06 PST');
    expect(formatSqlType(compile(E.call('PARSE_TIMESTAMP', S('x'), S('y'))).type)).toBe('TIMESTAMP');
    expect(call('PARSE_TIMESTAMP', S('2021-03-04T05:06:07.089Z'), S("yyyy-MM-dd'T'HH:mm:ss.SSSX"))).toBe(ms);
    expect(call('PARSE_TIMESTAMP', S('2021-03-04 06:06'), S('yyyy-MM-dd HH:mm'), S('+01:00'))).toBe(
      Date.UTC(2021, 2, 4, 5, 6),
    );
  });

  it('are NULL for text that does not match the pattern, reporting the failure', () => {
    const { compiled, errors } = compileCollecting(
      E.call('PARSE_TIMESTAMP', S('yesterday'), S('yyyy-MM-dd')),
    );
    expect(compiled.evaluate([])).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EvaluationError);
    expect(errors[0].message).toContain(
      "Error computing function PARSE_TIMESTAMP: Text 'yesterday' could not be parsed",
    );
  });

  it('make a row NULL for an invalid literal pattern or zone, as ksqlDB (the statement itself is accepted)', () => {
    const bad = compileCollecting(E.call('FORMAT_TIMESTAMP', TS, S('yyyy-bb')));
    expect(bad.compiled.evaluate([])).toBeNull();
    expect(bad.errors[0].message).toContain('Unknown pattern letter: b');
    const zone = compileCollecting(E.call('FORMAT_TIMESTAMP', TS, S('yyyy'), S('Nowhere/Land')));
    expect(zone.compiled.evaluate([])).toBeNull();
    expect(zone.errors[0].message).toContain('Unknown time-zone ID');
  });

  it('take the pattern from a column too', () => {
    const cols = [['P', SqlTypes.STRING]] as const;
    const c = compile(E.call('FORMAT_TIMESTAMP', TS, E.col('P')), cols);
    expect(c.evaluate(['yyyy'])).toBe('2021');
    expect(c.evaluate(['MM/dd'])).toBe('03/04');
  });
});

describe('dates, times and text', () => {
  it('FORMAT_DATE / PARSE_DATE, DATETOSTRING / STRINGTODATE', () => {
    expect(call('FORMAT_DATE', DATE, S('yyyy/MM/dd EEE'))).toBe('2021/03/04 Thu');
    expect(call('PARSE_DATE', S('04.03.2021'), S('dd.MM.yyyy'))).toBe(day);
    expect(call('DATETOSTRING', E.int(day), S('yyyy-MM-dd'))).toBe('2021-03-04');
    expect(call('STRINGTODATE', S('2021-03-04'), S('yyyy-MM-dd'))).toBe(day);
    expect(formatSqlType(compile(E.call('STRINGTODATE', S('x'), S('y'))).type)).toBe('INTEGER');
  });

  it('refuse time fields for dates', () => {
    expect(call('FORMAT_DATE', DATE, S('yyyy HH'))).toBeNull();
    const { compiled, errors } = compileCollecting(
      E.call('PARSE_DATE', S('2021-03-04 10'), S('yyyy-MM-dd HH')),
    );
    expect(compiled.evaluate([])).toBeNull();
    expect(errors[0].message).toContain('Date format contains time field.');
    expect(call('PARSE_DATE', S('2021-03-04 00'), S('yyyy-MM-dd HH'))).toBe(day);
  });

  it('a date that does not parse is NULL, so COALESCE can try another pattern', () => {
    const either = E.call(
      'COALESCE',
      E.call('PARSE_DATE', E.col('D'), S('yyyy-MM-dd')),
      E.call('PARSE_DATE', E.call('CONCAT', E.col('D'), S('-01-01')), S('yyyy-MM-dd')),
    );
    const cols = [['D', SqlTypes.STRING]] as const;
    expect(evaluate(either, cols, ['2021-03-04'])).toBe(day);
    expect(evaluate(either, cols, ['2021'])).toBe(18628);
  });

  it('FORMAT_TIME / PARSE_TIME', () => {
    expect(call('FORMAT_TIME', TIME, S('HH:mm:ss.SSS'))).toBe('05:06:07.089');
    expect(call('FORMAT_TIME', TIME, S('h:mm a'))).toBe('5:06 AM');
    expect(call('PARSE_TIME', S('17:30'), S('HH:mm'))).toBe(63_000_000);
    expect(call('FORMAT_TIME', TIME, S('yyyy'))).toBeNull();
  });
});

describe('epoch conversions', () => {
  it('UNIX_TIMESTAMP and UNIX_DATE of a value or now', () => {
    expect(call('UNIX_TIMESTAMP', TS)).toBe(ms);
    expect(call('UNIX_DATE', DATE)).toBe(day);
    const before = Date.now();
    const now = call('UNIX_TIMESTAMP') as number;
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(call('UNIX_DATE')).toBe(Math.floor(Date.now() / 86_400_000));
  });

  it('FROM_UNIXTIME and FROM_DAYS', () => {
    expect(formatSqlType(compile(E.call('FROM_UNIXTIME', E.bigint(ms))).type)).toBe('TIMESTAMP');
    expect(call('FROM_UNIXTIME', E.bigint(ms))).toBe(ms);
    expect(call('FROM_DAYS', E.int(day))).toBe(day);
  });
});

describe('adding and subtracting durations', () => {
  it('TIMESTAMPADD / TIMESTAMPSUB', () => {
    expect(call('TIMESTAMPADD', E.unit('MINUTES'), E.int(5), TS)).toBe(ms + 300_000);
    expect(call('TIMESTAMPSUB', E.unit('DAYS'), E.int(1), TS)).toBe(ms - 86_400_000);
    expect(call('TIMESTAMPADD', E.unit('SECONDS'), E.cast(E.nul(), SqlTypes.INTEGER), TS)).toBeNull();
  });

  it('DATEADD / DATESUB count whole days', () => {
    expect(call('DATEADD', E.unit('DAYS'), E.int(3), DATE)).toBe(day + 3);
    expect(call('DATESUB', E.unit('DAYS'), E.int(3), DATE)).toBe(day - 3);
    expect(call('DATEADD', E.unit('HOURS'), E.int(47), DATE)).toBe(day + 1);
  });

  it('TIMEADD / TIMESUB wrap around midnight', () => {
    expect(call('TIMEADD', E.unit('HOURS'), E.int(20), TIME)).toBe(
      ((5 + 20 - 24) * 3600 + 6 * 60 + 7) * 1000 + 89,
    );
    expect(call('TIMESUB', E.unit('HOURS'), E.int(6), TIME)).toBe(((23 * 60 + 6) * 60 + 7) * 1000 + 89);
  });

  it('refuse a value of the wrong type in the last position', () => {
    expect(() => compile(E.call('TIMESTAMPADD', E.unit('DAYS'), E.int(1), TIME))).toThrow(
      "Function 'timestampadd' does not accept parameters (INTERVALUNIT, INTEGER, TIME).",
    );
    expect(() => compile(E.call('DATEADD', E.unit('DAYS'), E.int(1), TS))).toThrow(
      'does not accept parameters',
    );
  });
});
