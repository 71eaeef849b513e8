import type { WindowUnit } from '../../../parser/ast.js';
import { SqlTypes } from '../../../types/sql-type.js';
import { MS_PER_DAY } from '../../../values/temporal.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** TIMESTAMPADD/SUB, DATEADD/SUB, TIMEADD/SUB(unit, interval, value). */
const UNIT_MS: Record<WindowUnit, number> = {
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: MS_PER_DAY,
};

const addTimestamp = (sign: number) => (unit: WindowUnit, n: number, ts: number) =>
  ts + sign * n * UNIT_MS[unit];
// DATE arithmetic in ms, truncated back to whole days (TimeUnit.MILLISECONDS.toDays)
const addDate = (sign: number) => (unit: WindowUnit, n: number, days: number) =>
  Math.trunc((days * MS_PER_DAY + sign * n * UNIT_MS[unit]) / MS_PER_DAY);
// TIME wraps around midnight
const addTime = (sign: number) => (unit: WindowUnit, n: number, t: number) =>
  (((t + sign * n * UNIT_MS[unit]) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;

export const TIMESTAMPADD = scalar(
  'TIMESTAMPADD',
  CATEGORY.DATE_TIME,
  'Adds a duration to a TIMESTAMP value.',
  [
    fixed([P.UNIT, P.BIGINT, P.TIMESTAMP], SqlTypes.TIMESTAMP, addTimestamp(1), {
      paramNames: ['unit', 'interval', 'timestamp'],
    }),
  ],
);
export const TIMESTAMPSUB = scalar(
  'TIMESTAMPSUB',
  CATEGORY.DATE_TIME,
  'Subtracts a duration from a TIMESTAMP value.',
  [
    fixed([P.UNIT, P.BIGINT, P.TIMESTAMP], SqlTypes.TIMESTAMP, addTimestamp(-1), {
      paramNames: ['unit', 'interval', 'timestamp'],
    }),
  ],
);
export const DATEADD = scalar('DATEADD', CATEGORY.DATE_TIME, 'Adds a duration to a DATE value.', [
  fixed([P.UNIT, P.INT, P.DATE], SqlTypes.DATE, addDate(1), { paramNames: ['unit', 'interval', 'date'] }),
]);
export const DATESUB = scalar('DATESUB', CATEGORY.DATE_TIME, 'Subtracts a duration from a DATE value.', [
  fixed([P.UNIT, P.INT, P.DATE], SqlTypes.DATE, addDate(-1), { paramNames: ['unit', 'interval', 'date'] }),
]);
export const TIMEADD = scalar('TIMEADD', CATEGORY.DATE_TIME, 'Adds a duration to a TIME value.', [
  fixed([P.UNIT, P.INT, P.TIME], SqlTypes.TIME, addTime(1), { paramNames: ['unit', 'interval', 'time'] }),
]);
export const TIMESUB = scalar('TIMESUB', CATEGORY.DATE_TIME, 'Subtracts a duration from a TIME value.', [
  fixed([P.UNIT, P.INT, P.TIME], SqlTypes.TIME, addTime(-1), { paramNames: ['unit', 'interval', 'time'] }),
]);
