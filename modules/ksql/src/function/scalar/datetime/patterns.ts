import { compileJavaTimePattern, type JavaTimeFormatter } from '../../../values/java-time-format.js';
import { prepareOnce } from '../define.js';
import { resolveTimeZone, type TimeZone, UTC } from '../../../values/time-zone.js';

/**
 * Pattern and zone arguments of the date-time functions: compiled once at the call site when
 * they are literals (the usual case), otherwise per row through the compiler's cache. An invalid
 * literal fails each row (NULL), as in ksqlDB.
 */
export function patternArg(constant: { value: unknown } | undefined): (v: unknown) => JavaTimeFormatter {
  if (constant && typeof constant.value === 'string') {
    const text = constant.value;
    return prepareOnce(() => compileJavaTimePattern(text));
  }
  return (v) => compileJavaTimePattern(v as string);
}

export function zoneArg(constant: { value: unknown } | undefined): (v: unknown) => TimeZone {
  if (constant && typeof constant.value === 'string') {
    const id = constant.value;
    return prepareOnce(() => resolveTimeZone(id));
  }
  return (v) => (v === undefined ? UTC : resolveTimeZone(v as string));
}
