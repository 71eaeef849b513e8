import { SqlTypes } from '../../../types/sql-type.js';
import { bound, CATEGORY, scalar } from '../define.js';
import { type BoundCall, P, type ScalarImpl } from '../scalar-function.js';
import { patternArg, zoneArg } from './patterns.js';

/**
 * Timestamps to and from text with java.time patterns, in UTC unless a zone is given:
 * TIMESTAMPTOSTRING / STRINGTOTIMESTAMP on BIGINT milliseconds, FORMAT_TIMESTAMP /
 * PARSE_TIMESTAMP on TIMESTAMP values.
 */
function formatter(call: BoundCall): ScalarImpl {
  const pattern = patternArg(call.constants[1]);
  const zone = zoneArg(call.constants[2]);
  return (a) => pattern(a[1]).format(a[0] as number, zone(a[2]));
}

function parser(call: BoundCall): ScalarImpl {
  const pattern = patternArg(call.constants[1]);
  const zone = zoneArg(call.constants[2]);
  return (a) => pattern(a[1]).parse(a[0] as string, zone(a[2]));
}

export const TIMESTAMPTOSTRING = scalar(
  'TIMESTAMPTOSTRING',
  CATEGORY.DATE_TIME,
  'Converts a BIGINT millisecond timestamp value into the string representation of the timestamp in the given format.',
  [
    bound([P.BIGINT, P.STRING], SqlTypes.STRING, formatter, { paramNames: ['epochMilli', 'formatPattern'] }),
    bound([P.BIGINT, P.STRING, P.STRING], SqlTypes.STRING, formatter, {
      paramNames: ['epochMilli', 'formatPattern', 'timeZone'],
    }),
  ],
);

export const STRINGTOTIMESTAMP = scalar(
  'STRINGTOTIMESTAMP',
  CATEGORY.DATE_TIME,
  'Converts a string value in the given format into the BIGINT value that represents the millisecond timestamp.',
  [
    bound([P.STRING, P.STRING], SqlTypes.BIGINT, parser, {
      paramNames: ['formattedTimestamp', 'formatPattern'],
    }),
    bound([P.STRING, P.STRING, P.STRING], SqlTypes.BIGINT, parser, {
      paramNames: ['formattedTimestamp', 'formatPattern', 'timeZone'],
    }),
  ],
);

export const FORMAT_TIMESTAMP = scalar(
  'FORMAT_TIMESTAMP',
  CATEGORY.DATE_TIME,
  'Converts a TIMESTAMP value into the string representation of the timestamp in the given format.',
  [
    bound([P.TIMESTAMP, P.STRING], SqlTypes.STRING, formatter),
    bound([P.TIMESTAMP, P.STRING, P.STRING], SqlTypes.STRING, formatter),
  ],
);

export const PARSE_TIMESTAMP = scalar(
  'PARSE_TIMESTAMP',
  CATEGORY.DATE_TIME,
  'Converts a string value in the given format into the TIMESTAMP value.',
  [
    bound([P.STRING, P.STRING], SqlTypes.TIMESTAMP, parser),
    bound([P.STRING, P.STRING, P.STRING], SqlTypes.TIMESTAMP, parser),
  ],
);
