import { SqlTypes } from '../../../types/sql-type.js';
import { MS_PER_DAY } from '../../../values/temporal.js';
import { bound, CATEGORY, scalar } from '../define.js';
import { type BoundCall, P, type ScalarImpl } from '../scalar-function.js';
import { patternArg } from './patterns.js';

/**
 * DATE and TIME values to and from text with java.time patterns. A DATE pattern with time
 * fields cannot format (no time of day) and a parsed DATE must have none.
 */
function formatDate(call: BoundCall): ScalarImpl {
  const pattern = patternArg(call.constants[1]);
  return (a) => pattern(a[1]).format((a[0] as number) * MS_PER_DAY, undefined, 'date');
}

function parseDate(call: BoundCall): ScalarImpl {
  const pattern = patternArg(call.constants[1]);
  return (a) => {
    const ms = pattern(a[1]).parse(a[0] as string);
    if (ms % MS_PER_DAY !== 0) throw new RangeError('Date format contains time field.');
    return ms / MS_PER_DAY;
  };
}

function formatTime(call: BoundCall): ScalarImpl {
  const pattern = patternArg(call.constants[1]);
  return (a) => pattern(a[1]).format(a[0] as number, undefined, 'time');
}

function parseTime(call: BoundCall): ScalarImpl {
  const pattern = patternArg(call.constants[1]);
  return (a) => {
    const ms = pattern(a[1]).parse(a[0] as string);
    return ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  };
}

export const FORMAT_DATE = scalar(
  'FORMAT_DATE',
  CATEGORY.DATE_TIME,
  'Converts a DATE value into a string representing the date in the given format.',
  [bound([P.DATE, P.STRING], SqlTypes.STRING, formatDate)],
);

export const PARSE_DATE = scalar(
  'PARSE_DATE',
  CATEGORY.DATE_TIME,
  'Converts a string representation of a date in the given format into a DATE value.',
  [bound([P.STRING, P.STRING], SqlTypes.DATE, parseDate)],
);

export const DATETOSTRING = scalar(
  'DATETOSTRING',
  CATEGORY.DATE_TIME,
  'Converts an INT date value (days since the epoch) into a string representing the date in the given format.',
  [bound([P.INT, P.STRING], SqlTypes.STRING, formatDate)],
);

export const STRINGTODATE = scalar(
  'STRINGTODATE',
  CATEGORY.DATE_TIME,
  'Converts a string representation of a date in the given format into an INT (days since the epoch).',
  [bound([P.STRING, P.STRING], SqlTypes.INTEGER, parseDate)],
);

export const FORMAT_TIME = scalar(
  'FORMAT_TIME',
  CATEGORY.DATE_TIME,
  'Converts a TIME value into a string representing the time in the given format.',
  [bound([P.TIME, P.STRING], SqlTypes.STRING, formatTime)],
);

export const PARSE_TIME = scalar(
  'PARSE_TIME',
  CATEGORY.DATE_TIME,
  'Converts a string representation of a time in the given format into a TIME value.',
  [bound([P.STRING, P.STRING], SqlTypes.TIME, parseTime)],
);
