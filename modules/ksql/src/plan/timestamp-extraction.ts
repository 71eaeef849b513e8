import type { TimestampExtractor } from '@meterstream/streams';
import type { DataSource } from '../engine/data-source.js';
import { KsqlError } from '../errors.js';
import type { GenericKey, GenericRow } from '../schema/logical-schema.js';
import { BAD_RECORD } from './bad-record.js';
import { compileJavaTimePattern } from '../values/java-time-format.js';

/**
 * The event-time extractor of a source with a TIMESTAMP column (ksqlDB's
 * TimestampExtractionPolicy): BIGINT and TIMESTAMP columns are used as they are, STRING columns
 * parsed with TIMESTAMP_FORMAT. A missing, unparsable or negative time gives -1, which the
 * runtime treats as invalid and skips (ksqlDB logs the record and drops it). Without a TIMESTAMP
 * column the record's own timestamp is used (undefined: the runtime's default).
 */
export function timestampExtractorFor(
  source: DataSource,
  throwOnInvalid = false,
): TimestampExtractor<unknown, GenericRow | typeof BAD_RECORD> | undefined {
  const ts = source.timestamp;
  if (!ts) return undefined;
  const valueIndex = source.schema.value.findIndex((c) => c.name === ts.column);
  const keyIndex = source.schema.key.findIndex((c) => c.name === ts.column);
  const column = valueIndex >= 0 ? source.schema.value[valueIndex] : source.schema.key[keyIndex];
  if (!column)
    throw new KsqlError(
      `The TIMESTAMP column set in the WITH clause does not exist in the schema: '${ts.column}'`,
    );
  const read =
    valueIndex >= 0
      ? (_key: unknown, value: GenericRow | null) => (value === null ? null : value[valueIndex])
      : (key: unknown) => {
          const k = (
            key && typeof key === 'object' && 'window' in key
              ? (key as unknown as { key: GenericKey }).key
              : key
          ) as GenericKey | null;
          return k ? k[keyIndex] : null;
        };
  let toMillis: (v: unknown) => number;
  if (column.type.base === 'BIGINT' || column.type.base === 'TIMESTAMP') {
    toMillis = (v) => (typeof v === 'number' ? v : -1);
  } else if (column.type.base === 'STRING') {
    if (!ts.format) {
      throw new KsqlError(
        `A String timestamp field has been specified without also specifying the ${'TIMESTAMP_FORMAT'.toLowerCase()}`,
      );
    }
    let formatter: ReturnType<typeof compileJavaTimePattern>;
    try {
      formatter = compileJavaTimePattern(ts.format);
    } catch (err) {
      throw new KsqlError(`Invalid TIMESTAMP_FORMAT '${ts.format}': ${(err as Error).message}`);
    }
    // ksqlDB parses in UTC unless the pattern has a zone; an unparsable string gives an invalid time.
    // Meters of a fleet report at the same instants, so consecutive records often carry the same
    // text: the last one parsed is remembered (the parse is a pure function of the text).
    let lastText: string | undefined;
    let lastMillis = -1;
    toMillis = (v) => {
      if (typeof v !== 'string') return -1;
      if (v === lastText) return lastMillis;
      let millis: number;
      try {
        millis = formatter.parse(v);
      } catch {
        millis = -1;
      }
      lastText = v;
      lastMillis = millis;
      return millis;
    };
  } else {
    throw new KsqlError(
      `Timestamp column, \`${ts.column}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`,
    );
  }
  return (record) => {
    const value = record.value;
    if (value === BAD_RECORD || record.key === BAD_RECORD) return record.timestamp;
    const ms = toMillis(read(record.key, value as GenericRow | null));
    if (Number.isFinite(ms) && ms >= 0) return ms;
    // ksql.timestamp.throw.on.invalid: fail the query instead of skipping the record.
    if (throwOnInvalid) {
      throw new Error(
        `Fatal user code error in TimestampExtractor callback for record ${record.topic}-${record.partition}@${record.offset}`,
      );
    }
    return -1;
  };
}
