import { type DatasetFormat, columnIndex, fail } from './formats.js';
import { parseDecimal } from './dataset-row.js';

const HEADER_PREFIX = 'Date;Time;';
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * Reads the unsigned decimal integers of `text` separated by `separator` into `out`; returns how
 * many were read, or -1 on any other character or an empty part. A hand-written scan: splitting
 * two strings per row was the reader's largest cost on the 2M-row UCI file.
 */
function readIntegers(text: string, separator: number, out: number[]): number {
  let count = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === separator && digits > 0 && count < out.length) {
      out[count++] = value;
      value = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (digits === 0 || count >= out.length) return -1;
  out[count++] = value;
  return count;
}

const dateParts = [0, 0, 0];
const timeParts = [0, 0, 0];

/** `d/m/yyyy` + `HH:mm:ss` as a wall-clock time encoded like UTC, or NaN when invalid. */
export function parseUciLocalTime(date: string, time: string): number {
  if (readIntegers(date, 47 /* / */, dateParts) !== 3 || readIntegers(time, 58 /* : */, timeParts) !== 3)
    return Number.NaN;
  const [day, month, year] = dateParts as [number, number, number];
  const [hour, minute, second] = timeParts as [number, number, number];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/**
 * UCI "Individual household electric power consumption": `;`-separated,
 * `Date;Time;Global_active_power;Global_reactive_power;Voltage;Global_intensity;Sub_metering_1..3`,
 * dates `d/m/yyyy` and times `HH:mm:ss` in the local time of France. Powers are already kW (kVAR),
 * voltage V, intensity A. Rows of `?` are missing readings.
 */
export const uciHouseholdFormat: DatasetFormat = {
  name: 'UCI household power consumption',
  separator: ';',
  attributes: ['ACTIVE_POWER', 'REACTIVE_POWER', 'VOLTAGE', 'INTENSITY'],
  matches: (header) => header.startsWith(HEADER_PREFIX),
  parser(header, { converter }) {
    const columns = header.trim().split(';');
    const date = columnIndex(columns, 'Date');
    const time = columnIndex(columns, 'Time');
    const active = columnIndex(columns, 'Global_active_power');
    const reactive = columnIndex(columns, 'Global_reactive_power');
    const volts = columnIndex(columns, 'Voltage');
    const amps = columnIndex(columns, 'Global_intensity');
    const width = columns.length;
    return (fields) => {
      if (fields.length !== width)
        return fail('unparsable', `expected ${width} fields, got ${fields.length}`);
      const p = fields[active]!;
      const q = fields[reactive]!;
      const v = fields[volts]!;
      const i = fields[amps]!;
      if (p === '?' || q === '?' || v === '?' || i === '?') return fail('missing-values', 'reading is "?"');
      const local = parseUciLocalTime(fields[date]!, fields[time]!);
      if (Number.isNaN(local))
        return fail('unparsable', `invalid date/time ${JSON.stringify(`${fields[date]} ${fields[time]}`)}`);
      const values = [parseDecimal(p), parseDecimal(q), parseDecimal(v), parseDecimal(i)];
      if (values.some(Number.isNaN)) return fail('unparsable', 'a reading is not a number');
      // last, because the converter remembers the previous instant to resolve repeated hours
      const timestamp = converter.toUtc(local);
      if (timestamp === null)
        return fail(
          'nonexistent-local-time',
          `${fields[date]} ${fields[time]} does not exist in ${converter.zoneName} (clocks went forward)`,
        );
      return {
        ok: true,
        timestamp,
        readings: [
          { attribute: 'ACTIVE_POWER', value: values[0]! },
          { attribute: 'REACTIVE_POWER', value: values[1]! },
          { attribute: 'VOLTAGE', value: values[2]! },
          { attribute: 'INTENSITY', value: values[3]! },
        ],
      };
    };
  },
};
