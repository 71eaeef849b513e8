import { SqlTypes } from '../../../types/sql-type.js';
import { MS_PER_DAY } from '../../../values/temporal.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

export const UNIX_TIMESTAMP = scalar(
  'UNIX_TIMESTAMP',
  CATEGORY.DATE_TIME,
  'Gets the Unix timestamp in milliseconds, represented as a BIGINT.',
  [fixed([], SqlTypes.BIGINT, () => Date.now()), fixed([P.TIMESTAMP], SqlTypes.BIGINT, (ts: number) => ts)],
);

export const UNIX_DATE = scalar(
  'UNIX_DATE',
  CATEGORY.DATE_TIME,
  'Gets an INT representing days since epoch.',
  [
    fixed([], SqlTypes.INTEGER, () => Math.floor(Date.now() / MS_PER_DAY)),
    fixed([P.DATE], SqlTypes.INTEGER, (d: number) => d),
  ],
);

export const FROM_UNIXTIME = scalar(
  'FROM_UNIXTIME',
  CATEGORY.DATE_TIME,
  'Converts a BIGINT millisecond timestamp value into a TIMESTAMP value.',
  [fixed([P.BIGINT], SqlTypes.TIMESTAMP, (ms: number) => ms)],
);

export const FROM_DAYS = scalar(
  'FROM_DAYS',
  CATEGORY.DATE_TIME,
  'Converts an INT number of days since epoch to a DATE value.',
  [fixed([P.INT], SqlTypes.DATE, (d: number) => d)],
);
