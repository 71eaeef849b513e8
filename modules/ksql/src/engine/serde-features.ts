import type { FormatInfo } from '../format/format.js';

/** Formats that can wrap a single column in a record/object or write it bare (ksqlDB's WRAP/UNWRAP_SINGLES). */
const WRAPPING_FORMATS: ReadonlySet<string> = new Set(['JSON', 'JSON_SR', 'AVRO', 'PROTOBUF_NOSR']);
/** PROTOBUF only wraps (its root is always a message): it sets WRAP_SINGLES for values, nothing for keys. */
const WRAP_ONLY_FORMATS: ReadonlySet<string> = new Set(['PROTOBUF']);

/**
 * ksqlDB's key serde features (SerdeFeaturesFactory): a single key column in a wrapping format is
 * written unwrapped.
 */
export function keyFeatures(format: FormatInfo, keyColumns: number): string[] {
  return keyColumns === 1 && WRAPPING_FORMATS.has(format.name) ? ['UNWRAP_SINGLES'] : [];
}

/** ksqlDB's value serde features: set only by WRAP_SINGLE_VALUE (or ksql.persistence.wrap.single.values). */
export function valueFeatures(format: FormatInfo, wrapSingleValue: boolean | undefined): string[] {
  if (wrapSingleValue === undefined) return [];
  if (WRAP_ONLY_FORMATS.has(format.name)) return wrapSingleValue ? ['WRAP_SINGLES'] : [];
  if (!WRAPPING_FORMATS.has(format.name)) return [];
  return [wrapSingleValue ? 'WRAP_SINGLES' : 'UNWRAP_SINGLES'];
}
