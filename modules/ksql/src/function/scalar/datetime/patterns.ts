import { compileJavaTimePattern, type JavaTimeFormatter } from '../../../values/java-time-format.js';
import { resolveTimeZone, type TimeZone, UTC } from '../../../values/time-zone.js';

/**
 * Pattern and zone arguments of the date-time functions: compiled once at the call site when
 * they are literals (the usual case), otherwise per row through the compiler's cache.
 */
export function patternArg(constant: { value: unknown } | undefined): (v: unknown) => JavaTimeFormatter {
  if (constant && typeof constant.value === 'string') {
    const f = compileJavaTimePattern(constant.value);
    return () => f;
  }
  return (v) => compileJavaTimePattern(v as string);
}

export function zoneArg(constant: { value: unknown } | undefined): (v: unknown) => TimeZone {
  if (constant && typeof constant.value === 'string') {
    const z = resolveTimeZone(constant.value);
    return () => z;
  }
  return (v) => (v === undefined ? UTC : resolveTimeZone(v as string));
}
